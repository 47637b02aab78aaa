// Fetching a file from a host for the incident's evidence (a capture, a log slice): over the same SSH
// connection with ssh2's SFTP subsystem, or by copying on this machine. A size cap holds on both,
// checked before reading and again while reading (a capture may still be growing).

import fs from 'node:fs';
import type { Client, SFTPWrapper } from 'ssh2';
import { RunbookError } from '../base/failure';

export interface FetchRequest {
  /** An absolute path on the host, already substituted. */
  remotePath: string;
  maxBytes: number;
}

export interface FetchedFile {
  data: Buffer;
  /** The file's size on the host when it was read. */
  remoteBytes: number;
}

function tooLarge(path: string, bytes: number, max: number): RunbookError {
  return new RunbookError(
    'config',
    `${path} is ${bytes} bytes, over the fetch cap of ${max} bytes: not fetched.`,
    "Fetch a smaller slice (e.g. tail -c, tcpdump -c) or raise the step's fetch-max=.",
  );
}

function notRegular(path: string): RunbookError {
  return new RunbookError('config', `${path} is not a regular file: not fetched.`, 'Name a file, not a folder or a device.');
}

/** ssh2's SFTP status codes: 2 no such file, 3 permission denied. */
function sftpError(path: string, err: Error & { code?: number }): RunbookError {
  if (err.code === 2) return new RunbookError('config', `${path}: no such file on the host.`, 'Check the path, and that the step wrote the file.');
  if (err.code === 3)
    return new RunbookError(
      'auth',
      `${path}: permission denied.`,
      'Make the file readable by the SSH user (e.g. chmod in the step), or write it where that user can read.',
    );
  return new RunbookError('socket', `${path}: SFTP failed: ${err.message}`, 'Check that the host allows the sftp subsystem (Subsystem sftp in sshd_config).', {
    cause: err,
  });
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => {
      if (err)
        reject(
          new RunbookError(
            'channel',
            `The host refused the SFTP subsystem: ${err.message}`,
            'Enable "Subsystem sftp" in the host\'s sshd_config to fetch files.',
            { cause: err },
          ),
        );
      else resolve(sftp);
    });
  });
}

/** Reads one file over SFTP on an open connection; the SFTP channel is closed before it returns. */
export async function fetchOverSftp(client: Client, request: FetchRequest): Promise<FetchedFile> {
  const sftp = await openSftp(client);
  try {
    const stats = await new Promise<{ size: number; isFile(): boolean }>((resolve, reject) =>
      sftp.stat(request.remotePath, (err, s) => (err ? reject(sftpError(request.remotePath, err)) : resolve(s))),
    );
    if (!stats.isFile()) throw notRegular(request.remotePath);
    if (stats.size > request.maxBytes) throw tooLarge(request.remotePath, stats.size, request.maxBytes);
    // One byte past the cap tells a file that grew since the stat.
    const data = await readCapped(sftp.createReadStream(request.remotePath, { start: 0, end: request.maxBytes }), request, (err) =>
      sftpError(request.remotePath, err),
    );
    return { data, remoteBytes: data.length };
  } finally {
    sftp.end();
  }
}

/** The same on this machine (`hosts=local`, lab runs): a copy with the same cap. */
export async function copyLocalFile(request: FetchRequest): Promise<FetchedFile> {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(request.remotePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RunbookError('config', `${request.remotePath}: no such file.`, 'Check the path, and that the step wrote the file.');
    if (code === 'EACCES') throw new RunbookError('auth', `${request.remotePath}: permission denied.`, 'Make the file readable by your user.');
    throw error;
  }
  if (!stats.isFile()) throw notRegular(request.remotePath);
  if (stats.size > request.maxBytes) throw tooLarge(request.remotePath, stats.size, request.maxBytes);
  const data = await readCapped(fs.createReadStream(request.remotePath, { start: 0, end: request.maxBytes }), request, (err) => {
    const e = err as NodeJS.ErrnoException;
    return new RunbookError(e.code === 'EACCES' ? 'auth' : 'internal', `${request.remotePath}: ${e.message}`);
  });
  return { data, remoteBytes: data.length };
}

function readCapped(stream: NodeJS.ReadableStream, request: FetchRequest, wrap: (err: Error & { code?: number }) => RunbookError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
    });
    stream.on('error', (err: Error) => reject(wrap(err)));
    stream.on('end', () => {
      if (bytes > request.maxBytes) reject(tooLarge(request.remotePath, bytes, request.maxBytes));
      else resolve(Buffer.concat(chunks));
    });
  });
}
