// V8 flags for every Node process the suite starts (its workers, and the
// conveyor processes and children the tests spawn). The suite tests behaviour,
// not speed: `--liftoff-only` keeps PGlite's PostgreSQL (WASM) on V8's baseline
// compiler, which spares each short-lived store the optimizing compiler's CPU in
// the background (~0.5 s of CPU and ~60 MB per start; about a tenth of the suite
// on two cores). The benchmark, the README's commands and users run V8's defaults.
export const TEST_NODE_FLAGS = ["--liftoff-only"];
