//! Guards the threaded dispatch: in release builds every handler must reach
//! the next one through a sibling call compiled to a jump. If the compiler
//! keeps a real call for some handler, the native stack grows with every
//! executed instruction of that kind; running the benchmark kernels (millions
//! of instructions, most opcodes) on a 128 KiB thread then overflows and
//! aborts this test binary. Results are checked against values computed by
//! hand or by wasmi (see benches/).

use tandem::{Config, Engine, Instance, Module, Store, Tier};

fn run_kernel(config: &Config, wasm: &[u8], arg: i32) -> i64 {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wasm).expect("kernel compiles");
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).expect("kernel instantiates");
    let run = inst.get_typed_func::<i32, i64>(&mut store, "run").expect("run export");
    run.call(&mut store, arg).expect("kernel runs")
}

#[test]
fn long_runs_on_a_small_native_stack() {
    let kernels: Vec<(&str, &[u8], i32, i64)> = vec![
        ("sieve", include_bytes!("../../benches/built/sieve.wasm"), 1, 82025),
        ("ackermann", include_bytes!("../../benches/built/ackermann.wasm"), 1, 256),
        ("nbody", include_bytes!("../../benches/built/nbody.wasm"), 1, -169074954),
        ("spectral", include_bytes!("../../benches/built/spectral.wasm"), 1, 1_000_000_000),
        ("sha256", include_bytes!("../../benches/built/sha256.wasm"), 1, -2997717518306859580),
        ("vm", include_bytes!("../../benches/built/vm.wasm"), 1, -258584080),
        ("indirect", include_bytes!("../../benches/built/indirect.wasm"), 1, 72878437),
        ("sort", include_bytes!("../../benches/built/sort.wasm"), 1, 1074620097),
        ("memmove", include_bytes!("../../benches/built/memmove.wasm"), 1, 130),
        ("matmul", include_bytes!("../../benches/built/matmul.wasm"), 1, -245473),
        ("mandelbrot", include_bytes!("../../benches/built/mandelbrot.wasm"), 1, 0),
        // SIMD handlers too (a shuffle handler that called out of line with
        // its operands on the stack overflowed here); results as the JIT
        // computes them.
        ("simd_blend", include_bytes!("../../benches/built/simd_blend.wasm"), 1, 244),
        ("simd_matmul", include_bytes!("../../benches/built/simd_matmul.wasm"), 1, -1229),
        ("simd_shuffle", include_bytes!("../../benches/built/simd_shuffle.wasm"), 1, 221),
        ("simd_hash64", include_bytes!("../../benches/built/simd_hash64.wasm"), 1, -5310248193065595955),
        ("simd_mandel", include_bytes!("../../benches/built/simd_mandel.wasm"), 1, 914705),
        ("simd_autovec", include_bytes!("../../benches/built/simd_autovec.wasm"), 1, 1188468),
        ("zstd_simd", include_bytes!("../../benches/built/zstd_simd.wasm"), 1, 45890),
    ];
    // Tail calls: a million-deep chain (hand-checked: a Python model of
    // the kernel), which must neither grow the native stack nor the
    // interpreter's frames.
    let tailcall = wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/kernels/tailcall.wat")).unwrap();
    let tailcall: &'static [u8] = Box::leak(tailcall.into_boxed_slice());
    let mut kernels = kernels;
    kernels.push(("tailcall", tailcall, 1, 2262144));
    let handle = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(move || {
            // The interpreter alone; with tier-up counters that never fire
            // (their handlers run on every call and loop iteration); and
            // tiering early, so interpreted code runs around OSR switches.
            let mut interp = Config::new();
            interp.tier(Tier::Interp);
            let mut counting = Config::new();
            counting.tier(Tier::Tiered).tier_up_thresholds(u32::MAX, u32::MAX);
            let mut tiering = Config::new();
            tiering.tier(Tier::Tiered).tier_up_thresholds(2, 50).background_compilation(false);
            tiering.max_native_stack(64 * 1024);
            // The loop dispatch too (`Config::portable_dispatch`), also
            // around tier-up and OSR switches.
            let mut portable = interp.clone();
            portable.portable_dispatch(true);
            let mut portable_tiering = tiering.clone();
            portable_tiering.portable_dispatch(true);
            let configs = if cfg!(feature = "jit") {
                vec![&interp, &counting, &tiering, &portable, &portable_tiering]
            } else {
                vec![&interp, &portable]
            };
            for config in configs {
                for &(name, wasm, arg, want) in &kernels {
                    assert_eq!(run_kernel(config, wasm, arg), want, "{name}");
                }
            }
        })
        .expect("thread starts");
    handle.join().expect("kernels ran");
}
