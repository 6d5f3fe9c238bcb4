import fs from 'node:fs';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditLog } from '../audit/audit.service.ts';
import { createRefreshTokensRepository } from '../auth/refresh-tokens.repository.ts';
import { openDatabase } from '../clients/db.ts';
import { createUserRequestSchema } from '../contracts/auth.ts';
import { HttpError } from '../http/errors.ts';
import { createLogger } from '../logger.ts';
import { createUsersRepository } from '../users/users.repository.ts';
import { createUsersService } from '../users/users.service.ts';
import { EXIT_USAGE, exitWith, loadConfigOrExplain, parseArgsOrExplain } from './command.ts';

const USAGE = `Creates an admin account (there are no default credentials).

  node backend/src/cli/create-admin.ts --email admin@example.org --name "Ada Admin" [--password-file FILE]

The password is read from FILE, or else from standard input (typed without echo on a terminal,
or piped: printf '%s' "$PASSWORD" | node backend/src/cli/create-admin.ts ...). At least 12 characters.
The database is the one of DATA_DIR (same environment as the server).
`;

/** Runs the command; the exit code: 0 created, 1 refused (e.g. the email exists), 2 bad usage or config. */
export async function createAdmin(argv: string[], stdin: NodeJS.ReadStream, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = parseArgsOrExplain({ args: argv, strict: true, options: { email: { type: 'string' }, name: { type: 'string' }, 'password-file': { type: 'string' }, help: { type: 'boolean' } } }, USAGE, err)?.values;
  if (!args) return EXIT_USAGE;
  if (args.help) {
    out.write(USAGE);
    return 0;
  }
  if (!args.email || !args.name) {
    err.write(`--email and --name are required\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const config = loadConfigOrExplain(err);
  if (!config) return EXIT_USAGE;
  const password = args['password-file'] ? stripNewline(fs.readFileSync(args['password-file'], 'utf8')) : await readPassword(stdin, err);
  const parsed = createUserRequestSchema.safeParse({ email: args.email, name: args.name, role: 'admin', password });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) err.write(`${issue.path.join('.') || 'input'}: ${issue.message}\n`);
    return EXIT_USAGE;
  }

  const db = openDatabase(config.paths.database);
  try {
    const refreshTokens = createRefreshTokensRepository(db);
    const audit = createAuditLog({ repository: createAuditRepository(db), logger: createLogger(config) });
    const users = createUsersService({ db, users: createUsersRepository(db), refreshTokens, audit });
    const user = await users.create(parsed.data, { actor: null, ip: null });
    out.write(`created admin ${user.email} (${user.id})\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    err.write(`not created: ${e.message}\n`);
    return 1;
  } finally {
    db.close();
  }
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The password from standard input: hidden while typed on a terminal, or everything piped in. */
async function readPassword(stdin: NodeJS.ReadStream, err: NodeJS.WritableStream): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    return stripNewline(Buffer.concat(chunks).toString('utf8'));
  }
  err.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  let typed = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of chunk as string) {
        if (ch === '\r' || ch === '\n') return typed;
        if (ch === '\u0003') throw new Error('cancelled');
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    }
    return typed;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    err.write('\n');
  }
}

if (import.meta.main) exitWith(createAdmin(process.argv.slice(2), process.stdin, process.stdout, process.stderr), 'create-admin');
