// Preloaded (node --require) before @portkey-ai/gateway's CLI, for the benchmark only.
//
// 1. Loopback only. The gateway's CLI listens on the port without a host, i.e. on every
//    interface. Any listen() call that names no host is given 127.0.0.1 here, so nothing but this
//    machine can reach it during a benchmark.
// 2. Streaming. On Node 20 the gateway's stream path sets headers on the Response that Node's
//    fetch() returned, whose Headers are immutable ("TypeError: immutable", gateway issues
//    #1389/#1550). fetch() is wrapped so every upstream response is rebuilt with a fresh,
//    mutable Headers object; the body stream is passed through untouched.
'use strict';

const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^[0-9]+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (isPort(first) && typeof args[1] !== 'string') {
    args = [first, LOOPBACK, ...args.slice(1)];
  } else if (first !== null && typeof first === 'object' && !Array.isArray(first)
      && first.port !== undefined && first.path === undefined && first.host === undefined) {
    args = [Object.assign({}, first, { host: LOOPBACK }), ...args.slice(1)];
  }
  return listen.apply(this, args);
};

const upstreamFetch = globalThis.fetch;
globalThis.fetch = async function fetchWithMutableHeaders(input, init) {
  const upstream = await upstreamFetch(input, init);
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: new Headers(upstream.headers),
  });
};
