// Liveness probe; also the trivial baseline route of the benchmarks.
export const loader = () => new Response("ok", { headers: { "Content-Type": "text/plain" } });
