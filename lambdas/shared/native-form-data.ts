/**
 * Bundling alias for `form-data` (lib/constructs/relay-function.ts): axios imports it at load time,
 * but the relay's only multipart body (the received alert attached to its issue) is built with
 * Node 24's built-in FormData, which axios streams itself. The alias keeps ~165 KB
 * (form-data → mime-types → mime-db) out of every Lambda.
 */
export default globalThis.FormData;
