/**
 * Bundling alias for `form-data` (lib/constructs/relay-function.ts): axios imports it at load time
 * but needs it only for multipart bodies, which the relay never sends. Node 24's built-in FormData
 * takes its place and keeps ~165 KB (form-data → mime-types → mime-db) out of every Lambda.
 */
export default globalThis.FormData;
