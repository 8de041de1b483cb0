import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body?: { body: string };
}

export interface Comment {
  id: number;
  body: string;
  system?: boolean;
}

/**
 * A code host that answers as GitHub's and GitLab's REST APIs do for the calls the command
 * makes, keeps the comments in memory, pages lists by `pageSize`, and records every request.
 */
export class FakeHost {
  requests: Recorded[] = [];
  comments: Comment[] = [];
  pageSize = 100;
  /** A status to answer every request with, for the error cases. */
  failWith?: { status: number; message: string };
  private server = http.createServer((req, res) => this.handle(req, res));
  private nextId = 1000;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests = [];
    this.comments = [];
    this.pageSize = 100;
    this.failWith = undefined;
    this.nextId = 1000;
  }

  get calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method!, url: req.url!, headers: req.headers, ...(raw ? { body: JSON.parse(raw) } : {}) };
      this.requests.push(rec);
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (this.failWith) return send(this.failWith.status, { message: this.failWith.message });
      const url = new URL(req.url!, 'http://host');
      const page = Number(url.searchParams.get('page') ?? '1');
      const list = () => this.comments.slice((page - 1) * this.pageSize, page * this.pageSize);
      const more = page * this.pageSize < this.comments.length;
      // GitHub: /repos/o/r/issues/7/comments, /repos/o/r/issues/comments/ID
      let m = /^\/repos\/acme\/shop\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const next = `http://${req.headers.host}${url.pathname}?per_page=${this.pageSize}&page=${page + 1}`;
        return send(200, list(), more ? { Link: `<${next}>; rel="next", <${next}>; rel="last"` } : {});
      }
      if (m && req.method === 'POST') return send(201, this.add(rec.body!.body, `https://github.com/acme/shop/pull/${m[1]}`));
      m = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'PATCH') return this.edit(Number(m[1]), rec.body!.body, send);
      // GitLab: /api/v4/projects/42/merge_requests/5/notes[/ID]
      m = /^\/api\/v4\/projects\/42\/merge_requests\/5\/notes(?:\/(\d+))?$/.exec(url.pathname);
      if (m && req.method === 'GET') return send(200, list(), { 'X-Next-Page': more ? String(page + 1) : '' });
      if (m && req.method === 'POST') return send(201, this.add(rec.body!.body));
      if (m && req.method === 'PUT') return this.edit(Number(m[1]), rec.body!.body, send);
      send(404, { message: 'Not Found' });
    });
  }

  private add(body: string, url?: string) {
    const c = { id: this.nextId++, body };
    this.comments.push(c);
    return { ...c, ...(url ? { html_url: `${url}#issuecomment-${c.id}` } : {}) };
  }

  private edit(id: number, body: string, send: (s: number, j: unknown) => void) {
    const c = this.comments.find((x) => x.id === id);
    if (!c) return send(404, { message: 'Not Found' });
    c.body = body;
    send(200, c);
  }
}

