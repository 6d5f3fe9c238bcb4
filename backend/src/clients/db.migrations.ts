/**
 * Schema migrations, applied in order and recorded in `PRAGMA user_version`.
 * Append only: a released migration is never edited.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE collections (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    description     TEXT NOT NULL DEFAULT '',
    corpus_version  INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
  );
  INSERT INTO collections (id, name, description, created_at)
    VALUES ('default', 'Default', 'Documents not filed elsewhere', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

  CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    collection_id   TEXT NOT NULL REFERENCES collections(id),
    sha256          TEXT NOT NULL,
    filename        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
    stage           TEXT,
    progress        INTEGER NOT NULL DEFAULT 0,
    page_count      INTEGER,
    chunk_count     INTEGER,
    error_code      TEXT,
    error_message   TEXT,
    retryable       INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    embedding_model TEXT,
    uploaded_by     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    ready_at        TEXT,
    UNIQUE (collection_id, sha256)
  );
  CREATE INDEX documents_by_collection ON documents (collection_id, created_at DESC);
  CREATE INDEX documents_by_status ON documents (status);
  CREATE INDEX documents_by_sha ON documents (sha256);

  CREATE TABLE chunks (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection_id   TEXT NOT NULL,
    chunk_index     INTEGER NOT NULL,
    page            INTEGER,
    heading         TEXT,
    text            TEXT NOT NULL
  );
  CREATE INDEX chunks_by_document ON chunks (document_id, chunk_index);

  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER chunks_au AFTER UPDATE OF text ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
  END;

  CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    collection_ids  TEXT NOT NULL,
    user_id         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
  );
  CREATE INDEX conversations_by_user ON conversations (user_id, updated_at DESC);

  CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('complete', 'aborted', 'failed')),
    citations       TEXT NOT NULL DEFAULT '[]',
    model           TEXT,
    timings         TEXT,
    created_at      TEXT NOT NULL
  );
  CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
  `,
];
