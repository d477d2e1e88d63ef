// A static server for dist/ under a path prefix, for the end-to-end checks and benchmarks.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".svg": "image/svg+xml" };

/// Serve `dist` at `prefix` on a free port; resolves to { base, server }.
export async function serve(dist, prefix = "/") {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    const rel = normalize(path.slice(prefix.length) || "index.html");
    if (rel.startsWith("..")) { res.writeHead(403); res.end(); return; }
    try {
      const body = await readFile(join(dist, rel));
      res.writeHead(200, { "content-type": types[extname(rel)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404); res.end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { base: `http://127.0.0.1:${server.address().port}${prefix}`, server };
}
