/** The socket.io room of a collection's readers. */
export const collectionRoom = (id: string) => `collection:${id}`;
/** The socket.io room of one user's sockets. */
export const userRoom = (id: string) => `user:${id}`;
