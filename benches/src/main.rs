//! Tandem's benchmark harness: every kernel under Tandem's three tiers
//! (interp, jit, tiered), wasmi 2.0 and wasmtime 48 in the same process,
//! results cross-checked; cold runs at several lengths (tiered against the
//! better of interp-only and jit-only); start-up on a large generated module;
//! JIT compile time per KB; bytecode size.
//!
//! cargo run --release --manifest-path benches/Cargo.toml -- [--runs N] [--scale F] [--only NAME] [--no-cold | --cold] [--startup] [--calls] [--profile ENGINE] [--hot CALLS,LOOPS] [--emit-generated FILE]

mod generate;

use std::time::{Duration, Instant};

/// A kernel: a module exporting `run(i32) -> i64`, and its default argument
/// (chosen so one run takes roughly 0.2-2 s on the reference machine).
struct Kernel {
    name: &'static str,
    wasm: Vec<u8>,
    arg: i32,
}

fn kernels(scale: f64) -> Vec<Kernel> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let list: [(&str, &str, i32); 23] = [
        ("fib", "kernels/fib.wat", 32),
        ("ackermann", "built/ackermann.wasm", 250),
        ("collatz", "kernels/collatz.wat", 150_000),
        ("sieve", "built/sieve.wasm", 8),
        ("matmul", "built/matmul.wasm", 8),
        ("sort", "built/sort.wasm", 8),
        ("memmove", "built/memmove.wasm", 60_000),
        ("nbody", "built/nbody.wasm", 150_000),
        ("mandelbrot", "built/mandelbrot.wasm", 600),
        ("spectral", "built/spectral.wasm", 500),
        ("sha256", "built/sha256.wasm", 12),
        ("vm", "built/vm.wasm", 300),
        ("indirect", "built/indirect.wasm", 1000),
        ("zstd", "built/zstd.wasm", 6),
        // 128-bit SIMD: wasm_simd128.h intrinsics (integer and saturating,
        // f32x4, shuffles and swizzles, 64-bit lanes, compare masks), loops
        // vectorised by clang -O3 -msimd128, and zstd built that way.
        ("simd_blend", "built/simd_blend.wasm", 60),
        ("simd_matmul", "built/simd_matmul.wasm", 200),
        ("simd_shuffle", "built/simd_shuffle.wasm", 400),
        ("simd_hash64", "built/simd_hash64.wasm", 2000),
        ("simd_mandel", "built/simd_mandel.wasm", 10),
        ("simd_autovec", "built/simd_autovec.wasm", 300),
        ("zstd_simd", "built/zstd_simd.wasm", 6),
        // Two memories other than memory 0: loads, stores and memory.copy
        // between them.
        ("multimem", "kernels/multimem.wat", 1000),
        // Mutual tail recursion (return_call, return_call_indirect).
        ("tailcall", "kernels/tailcall.wat", 30),
    ];
    list.iter()
        .map(|(name, path, arg)| {
            let bytes = std::fs::read(format!("{dir}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
            let wasm =
                if path.ends_with(".wat") { wat::parse_bytes(&bytes).expect("valid wat").into_owned() } else { bytes };
            let arg = if *name == "fib" {
                // fib's cost grows by ~1.6x per step: scale the work, not the argument.
                *arg + (scale.log(1.618).round() as i32)
            } else {
                ((*arg as f64) * scale).max(1.0) as i32
            };
            Kernel { name, wasm, arg }
        })
        .collect()
}

/// One engine's prepared kernel: call it with the argument.
type Runner = Box<dyn FnMut(i32) -> i64>;

/// `--hot CALLS,LOOPS`: tiered mode's tier-up thresholds (else the default).
static HOT: std::sync::OnceLock<(u32, u32)> = std::sync::OnceLock::new();

fn tandem_config(tier: tandem::Tier) -> tandem::Config {
    let mut cfg = tandem::Config::new();
    cfg.tier(tier);
    if let Some(&(calls, loops)) = HOT.get() {
        cfg.tier_up_thresholds(calls, loops);
    }
    cfg
}

fn tandem_runner(wasm: &[u8], cfg: &tandem::Config) -> Runner {
    let (mut store, run) = tandem_typed::<i32, i64>(wasm, cfg, "run");
    Box::new(move |n| run.call(&mut store, n).expect("tandem runs"))
}

fn wasmi_runner(wasm: &[u8]) -> Runner {
    let (mut store, run) = wasmi_typed::<i32, i64>(wasm, "run");
    Box::new(move |n| run.call(&mut store, n).expect("wasmi runs"))
}

/// wasmtime with its default configuration (Cranelift, guard pages).
fn wasmtime_runner(wasm: &[u8]) -> Runner {
    let (mut store, run) = wasmtime_typed::<i32, i64>(wasm, "run");
    Box::new(move |n| run.call(&mut store, n).expect("wasmtime runs"))
}

/// Export `name` of `wasm`, instantiated in a new store of a new engine.
fn tandem_typed<P: tandem::WasmParams, R: tandem::WasmResults>(
    wasm: &[u8],
    cfg: &tandem::Config,
    name: &str,
) -> (tandem::Store<()>, tandem::TypedFunc<P, R>) {
    let engine = tandem::Engine::new(cfg);
    let module = tandem::Module::new(&engine, wasm).expect("tandem compiles");
    let mut store = tandem::Store::new(&engine, ());
    let inst = tandem::Instance::new(&mut store, &module, &[]).expect("tandem instantiates");
    let f = inst.get_typed_func::<P, R>(&mut store, name).expect("export");
    (store, f)
}

fn wasmi_typed<P: wasmi::WasmParams, R: wasmi::WasmResults>(
    wasm: &[u8],
    name: &str,
) -> (wasmi::Store<()>, wasmi::TypedFunc<P, R>) {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).expect("wasmi compiles");
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let inst = linker.instantiate_and_start(&mut store, &module).expect("wasmi instantiates");
    let f = inst.get_typed_func::<P, R>(&store, name).expect("export");
    (store, f)
}

fn wasmtime_typed<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
    wasm: &[u8],
    name: &str,
) -> (wasmtime::Store<()>, wasmtime::TypedFunc<P, R>) {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, wasm).expect("wasmtime compiles");
    let mut store = wasmtime::Store::new(&engine, ());
    let inst = wasmtime::Instance::new(&mut store, &module, &[]).expect("wasmtime instantiates");
    let f = inst.get_typed_func::<P, R>(&mut store, name).expect("export");
    (store, f)
}

struct Stats {
    min: Duration,
    median: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    Stats { min: v[0], median: v[v.len() / 2], max: v[v.len() - 1] }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn geomean(v: &[f64]) -> f64 {
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = flag("--runs").and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let scale: f64 = flag("--scale").and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let only = flag("--only");
    if let Some(hot) = flag("--hot") {
        let parsed = hot.split_once(',').and_then(|(c, l)| Some((c.parse().ok()?, l.parse().ok()?)));
        let Some(hot) = parsed else {
            eprintln!("--hot: expected CALLS,LOOPS (two integers), got `{hot}`");
            std::process::exit(2);
        };
        let _ = HOT.set(hot);
    }
    if let Some(path) = flag("--emit-generated") {
        std::fs::write(&path, generate::large_module(4400, 14, 42)).expect("write the generated module");
        return;
    }
    if args.iter().any(|a| a == "--startup") {
        startup(runs, only.as_deref(), flag("--profile").as_deref());
        return;
    }
    if args.iter().any(|a| a == "--calls") {
        host_calls(runs);
        return;
    }

    let list: Vec<Kernel> =
        kernels(scale).into_iter().filter(|k| only.as_ref().is_none_or(|o| k.name.contains(o.as_str()))).collect();
    if let Some(engine) = flag("--profile") {
        profile(&engine, runs, &list);
        return;
    }
    if !args.iter().any(|a| a == "--cold") {
        steady_state(runs, &list);
    }
    if !args.iter().any(|a| a == "--no-cold") {
        cold(runs, &list);
    }
    if only.is_some() {
        return;
    }
    startup(runs, None, None);
    compile_time(runs);
    bytecode_size();
}

const ENGINES: [&str; 5] = ["interp", "jit", "tiered", "wasmi", "wasmtime"];

/// The runner of `ENGINES[i]`.
fn runner(i: usize, wasm: &[u8]) -> Runner {
    match i {
        0 => tandem_runner(wasm, &tandem_config(tandem::Tier::Interp)),
        1 => tandem_runner(wasm, &tandem_config(tandem::Tier::Jit)),
        2 => tandem_runner(wasm, &tandem_config(tandem::Tier::Tiered)),
        3 => wasmi_runner(wasm),
        _ => wasmtime_runner(wasm),
    }
}

fn runners(wasm: &[u8]) -> Vec<Runner> {
    (0..ENGINES.len()).map(|i| runner(i, wasm)).collect()
}

/// One engine alone, `runs` calls per kernel and no timing: for running the
/// harness under `perf` or `valgrind --tool=callgrind` to compare engines'
/// profiles and instruction counts without the others in the way.
fn profile(engine: &str, runs: usize, list: &[Kernel]) {
    let Some(at) = ENGINES.iter().position(|e| *e == engine) else {
        eprintln!("--profile: unknown engine `{engine}` (one of {ENGINES:?})");
        std::process::exit(2);
    };
    for k in list {
        let mut r = runner(at, &k.wasm);
        let results: Vec<i64> = (0..runs).map(|_| r(k.arg)).collect();
        println!("{} {engine}: {:?}", k.name, results);
    }
}

/// Warm instances (compilation excluded): the interpreter against wasmi,
/// the JIT against wasmtime.
fn steady_state(runs: usize, list: &[Kernel]) {
    println!(
        "# Steady state: median ms of {runs} runs after one warm-up call, engines interleaved, results cross-checked"
    );
    print!("{:<12} {:>6}", "kernel", "arg");
    for e in ENGINES {
        print!(" {e:>9}");
    }
    println!(" {:>9} {:>9} {:>9}", "i/wasmi", "wt/jit", "tier/jit");
    let (mut r_iw, mut r_wj, mut r_tj) = (Vec::new(), Vec::new(), Vec::new());
    for k in list {
        let mut rs = runners(&k.wasm);
        let want = rs[0](k.arg);
        for (e, r) in ENGINES.iter().zip(rs.iter_mut()).skip(1) {
            assert_eq!(r(k.arg), want, "{}: {e} disagrees with the interpreter", k.name);
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); ENGINES.len()];
        for _ in 0..runs {
            for (r, t) in rs.iter_mut().zip(times.iter_mut()) {
                let s = Instant::now();
                assert_eq!(r(k.arg), want);
                t.push(s.elapsed());
            }
        }
        let med: Vec<f64> = times.into_iter().map(|t| stats(t).median.as_secs_f64()).collect();
        print!("{:<12} {:>6}", k.name, k.arg);
        for m in &med {
            print!(" {:>9.2}", m * 1e3);
        }
        let (iw, wj, tj) = (med[0] / med[3], med[4] / med[1], med[2] / med[1]);
        r_iw.push(iw);
        r_wj.push(wj);
        r_tj.push(tj);
        println!(" {iw:>9.2} {wj:>9.2} {tj:>9.2}");
    }
    if !list.is_empty() {
        println!(
            "{:<12} {:>6} {:>49} {:>9.2} {:>9.2} {:>9.2}",
            "geomean",
            "",
            "",
            geomean(&r_iw),
            geomean(&r_wj),
            geomean(&r_tj)
        );
        println!(
            "(i/wasmi: interp time / wasmi time; wt/jit: wasmtime time / jit time, i.e. JIT speed relative to wasmtime;"
        );
        println!(" tier/jit: tiered time / jit time)");
    }
}

/// Cold runs at several lengths: Module::new + instantiate + one call. Tiered
/// should track the better of interp-only (short runs) and jit-only (long).
/// The `counting` column is tiered mode with thresholds that are never
/// reached: the interpreter with its tier-up counters, which is what a
/// tiered run pays until its code is compiled.
fn cold(runs: usize, list: &[Kernel]) {
    println!();
    println!(
        "# Cold: Module::new + instantiate + one run(arg), median ms of {runs}; tiered / min(interp, jit); \
         counting: tiered that never tiers up"
    );
    println!(
        "{:<11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "kernel", "arg", "interp", "jit", "tiered", "t/best", "counting", "c/interp"
    );
    let mut worst: (f64, String) = (0.0, String::new());
    let mut all = Vec::new();
    let mut counting_all = Vec::new();
    let mut counting = tandem_config(tandem::Tier::Tiered);
    counting.tier_up_thresholds(u32::MAX, u32::MAX);
    for k in list {
        let lengths: Vec<i32> = if k.name == "fib" {
            vec![k.arg - 15, k.arg - 10, k.arg - 5, k.arg]
        } else {
            [0.001, 0.01, 0.1, 1.0].iter().map(|f| ((k.arg as f64 * f) as i32).max(1)).collect()
        };
        for arg in lengths {
            let mut med = Vec::new();
            let configs = [
                tandem_config(tandem::Tier::Interp),
                tandem_config(tandem::Tier::Jit),
                tandem_config(tandem::Tier::Tiered),
                counting.clone(),
            ];
            for cfg in &configs {
                let st = time_it(runs, || {
                    let mut r = tandem_runner(&k.wasm, cfg);
                    r(arg);
                });
                med.push(st.median.as_secs_f64());
            }
            let ratio = med[2] / med[0].min(med[1]);
            all.push(ratio);
            counting_all.push(med[3] / med[0]);
            if ratio > worst.0 {
                worst = (ratio, format!("{} {}", k.name, arg));
            }
            println!(
                "{:<11} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                k.name,
                arg,
                med[0] * 1e3,
                med[1] * 1e3,
                med[2] * 1e3,
                ratio,
                med[3] * 1e3,
                med[3] / med[0]
            );
        }
    }
    if !all.is_empty() {
        println!("tiered / best: geomean {:.2}, worst {:.2} ({})", geomean(&all), worst.0, worst.1);
        println!("counting / interp: geomean {:.2}", geomean(&counting_all));
    }
}

/// Host -> wasm calls of a small export (`i32.add` of its two arguments)
/// through each engine's typed-function API: what a plugin host pays per
/// call. Engines take turns within each run; nanoseconds per call, median
/// of `runs` runs of 200 000 calls, results cross-checked.
fn host_calls(runs: usize) {
    const CALLS: i32 = 200_000;
    let wasm = wat::parse_str(
        r#"(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
    )
    .expect("valid text");
    type Caller = Box<dyn FnMut(i32, i32) -> i32>;
    let tandem_caller = |tier: tandem::Tier| -> Caller {
        let (mut store, f) = tandem_typed::<(i32, i32), i32>(&wasm, &tandem_config(tier), "add");
        Box::new(move |a, b| f.call(&mut store, (a, b)).expect("tandem runs"))
    };
    let wasmi_caller = || -> Caller {
        let (mut store, f) = wasmi_typed::<(i32, i32), i32>(&wasm, "add");
        Box::new(move |a, b| f.call(&mut store, (a, b)).expect("wasmi runs"))
    };
    let wasmtime_caller = || -> Caller {
        let (mut store, f) = wasmtime_typed::<(i32, i32), i32>(&wasm, "add");
        Box::new(move |a, b| f.call(&mut store, (a, b)).expect("wasmtime runs"))
    };
    let mut engines: Vec<(&str, Caller, Vec<Duration>)> = vec![
        ("tandem interp", tandem_caller(tandem::Tier::Interp), Vec::new()),
        ("tandem jit", tandem_caller(tandem::Tier::Jit), Vec::new()),
        ("wasmi", wasmi_caller(), Vec::new()),
        ("wasmtime", wasmtime_caller(), Vec::new()),
    ];
    let mut expected = None;
    for _ in 0..=runs {
        for (name, call, times) in engines.iter_mut() {
            let start = Instant::now();
            let mut acc = 0i32;
            for i in 0..CALLS {
                acc = call(acc, i);
            }
            times.push(start.elapsed());
            assert_eq!(*expected.get_or_insert(acc), acc, "{name} disagrees");
        }
    }
    println!();
    println!("# Host calls: `add(a, b)` through the typed-function API, ns per call, median (min..max) of {runs}");
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / CALLS as f64;
    let mut medians = Vec::new();
    for (name, _, times) in engines.iter_mut() {
        times.remove(0); // the first run warms up
        let s = stats(std::mem::take(times));
        println!("{name:<16} {:>8.1} ({:>6.1}..{:>6.1})", ns(s.median), ns(s.min), ns(s.max));
        medians.push(ns(s.median));
    }
    println!(
        "tandem interp / wasmi {:.2}, tandem jit / wasmtime {:.2}",
        medians[0] / medians[2],
        medians[1] / medians[3]
    );
}

/// Compile time of the JIT (`Tier::Jit` Module::new: validation, translation
/// and Cranelift) per KB of code section, against wasmtime's Module::new.
fn compile_time(runs: usize) {
    println!();
    println!("# Compile time: Module::new, median of {runs}, microseconds per KB of code section");
    println!("{:<11} {:>9} {:>14} {:>14} {:>14}", "module", "code KB", "tandem jit", "wasmtime", "tandem interp");
    let mut modules: Vec<(String, Vec<u8>)> = kernels(1.0).into_iter().map(|k| (k.name.to_string(), k.wasm)).collect();
    modules.push(("generated".into(), generate::large_module(4400, 14, 42)));
    let (mut tj, mut tw, mut ti, mut kb_all) = (0.0, 0.0, 0.0, 0.0);
    for (name, wasm) in &modules {
        let kb = code_section_size(wasm) as f64 / 1024.0;
        let jit_cfg = tandem_config(tandem::Tier::Jit);
        let interp_cfg = tandem_config(tandem::Tier::Interp);
        let j = time_it(runs, || {
            tandem::Module::new(&tandem::Engine::new(&jit_cfg), wasm).expect("compiles");
        });
        let w = time_it(runs, || {
            wasmtime::Module::new(&wasmtime::Engine::default(), wasm).expect("compiles");
        });
        let i = time_it(runs, || {
            tandem::Module::new(&tandem::Engine::new(&interp_cfg), wasm).expect("compiles");
        });
        let us = |s: &Stats| s.median.as_secs_f64() * 1e6;
        tj += us(&j);
        tw += us(&w);
        ti += us(&i);
        kb_all += kb;
        println!("{:<11} {:>9.1} {:>14.0} {:>14.0} {:>14.0}", name, kb, us(&j) / kb, us(&w) / kb, us(&i) / kb);
    }
    println!("{:<11} {:>9.1} {:>14.0} {:>14.0} {:>14.0}", "all", kb_all, tj / kb_all, tw / kb_all, ti / kb_all);
}

fn code_section_size(wasm: &[u8]) -> usize {
    let mut size = 0;
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionStart { size: s, .. }) = p {
            size = s as usize;
        }
    }
    size
}

fn body_sizes(wasm: &[u8]) -> Vec<usize> {
    let mut v = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = p {
            let r = body.range();
            v.push(r.end - r.start);
        }
    }
    v
}

fn time_it(runs: usize, mut f: impl FnMut()) -> Stats {
    f(); // warm caches and allocator
    stats(
        (0..runs)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect(),
    )
}

/// `profile_mode`: run only the modes whose name contains it, `runs` times
/// each and untimed (for callgrind), instead of printing the table.
fn startup(runs: usize, only: Option<&str>, profile_mode: Option<&str>) {
    let generated = generate::large_module(4400, 14, 42);
    let zstd = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/built/zstd.wasm")).expect("built/zstd.wasm");
    // (name, module, export, argument): the first call does little work.
    let subjects: [(&str, Vec<u8>, &str); 2] = [("generated", generated, "main"), ("zstd", zstd, "run")];
    for (name, wasm, export) in subjects.into_iter().filter(|s| only.is_none_or(|o| s.0.contains(o))) {
        startup_of(runs, name, &wasm, export, profile_mode);
    }
}

fn startup_of(runs: usize, name: &str, wasm: &[u8], export: &str, profile_mode: Option<&str>) {
    let code = code_section_size(wasm);
    println!();
    println!(
        "# Start-up: Module::new + instantiate + first call of `{export}(0)`; {name}: {:.2} MB, code section {:.2} MB",
        wasm.len() as f64 / 1e6,
        code as f64 / 1e6
    );
    let tandem_start = |mode: tandem::Translation, parallel: bool| {
        move || {
            let mut cfg = tandem_config(tandem::Tier::Interp);
            cfg.translation(mode).parallel_validation(parallel);
            let engine = tandem::Engine::new(&cfg);
            let m = tandem::Module::new(&engine, wasm).expect("compiles");
            let mut s = tandem::Store::new(&engine, ());
            let i = tandem::Instance::new(&mut s, &m, &[]).expect("instantiates");
            let f = i.get_func(&mut s, export).unwrap();
            let mut out = [tandem::Val::I64(0)];
            let ty = f.ty(&s);
            let arg = tandem::Val::default_for(ty.params()[0]);
            out[0] = tandem::Val::default_for(ty.results()[0]);
            f.call(&mut s, &[arg], &mut out).unwrap();
        }
    };
    let wasmi_start = |mode: wasmi::CompilationMode| {
        move || {
            let mut cfg = wasmi::Config::default();
            cfg.compilation_mode(mode);
            let engine = wasmi::Engine::new(&cfg);
            let m = wasmi::Module::new(&engine, wasm).expect("compiles");
            let mut s = wasmi::Store::new(&engine, ());
            let l = wasmi::Linker::<()>::new(&engine);
            let i = l.instantiate_and_start(&mut s, &m).expect("instantiates");
            let f = i.get_func(&s, export).unwrap();
            let ty = f.ty(&s);
            let arg = wasmi::Val::default_for_ty(ty.params()[0]);
            let mut out = [wasmi::Val::default_for_ty(ty.results()[0])];
            f.call(&mut s, &[arg], &mut out).unwrap();
        }
    };
    type Mode<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let modes: Vec<Mode<'_>> = vec![
        ("tandem lazy (eager validation, parallel)", Box::new(tandem_start(tandem::Translation::Lazy, true))),
        ("tandem lazy (eager validation, 1 thread)", Box::new(tandem_start(tandem::Translation::Lazy, false))),
        ("wasmi lazy-translation (eager validation)", Box::new(wasmi_start(wasmi::CompilationMode::LazyTranslation))),
        ("tandem lazy-validation", Box::new(tandem_start(tandem::Translation::LazyValidation, true))),
        ("wasmi lazy (lazy validation)", Box::new(wasmi_start(wasmi::CompilationMode::Lazy))),
        ("tandem eager (parallel)", Box::new(tandem_start(tandem::Translation::Eager, true))),
        ("tandem eager (1 thread)", Box::new(tandem_start(tandem::Translation::Eager, false))),
        ("wasmi eager", Box::new(wasmi_start(wasmi::CompilationMode::Eager))),
        (
            "(floor: wasmparser validate_all alone)",
            Box::new(|| {
                let mut v = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::WASM2);
                v.validate_all(wasm).expect("valid");
            }),
        ),
    ];
    if let Some(only) = profile_mode {
        for (name, f) in modes.iter().filter(|(n, _)| n.contains(only)) {
            (0..runs).for_each(|_| f());
            println!("{name}: {runs} run(s)");
        }
        return;
    }
    let rows: Vec<(&str, Stats)> = modes.iter().map(|(name, f)| (*name, time_it(runs, f))).collect();
    println!("{:<44} {:>28} {:>12}", "mode", "ms median (min..max)", "ns/code byte");
    for (name, s) in &rows {
        println!(
            "{:<44} {:>10.2} ({:>6.2}..{:>6.2}) {:>12.1}",
            name,
            ms(s.median),
            ms(s.min),
            ms(s.max),
            s.median.as_secs_f64() * 1e9 / code as f64
        );
    }
}

fn bytecode_size() {
    println!();
    println!("# Bytecode size: Tandem bytecode bytes allocated per wasm function-body byte (eager translation)");
    let mut cfg = tandem_config(tandem::Tier::Interp);
    cfg.translation(tandem::Translation::Eager);
    let engine = tandem::Engine::new(&cfg);
    let mut modules: Vec<(String, Vec<u8>)> = kernels(1.0).into_iter().map(|k| (k.name.to_string(), k.wasm)).collect();
    modules.push(("generated".into(), generate::large_module(4400, 14, 42)));
    let (mut tw, mut tb) = (0usize, 0usize);
    for (name, wasm) in &modules {
        let m = tandem::Module::new(&engine, wasm).expect("compiles");
        let (total, defined) = m.num_funcs();
        let _ = total;
        let wasm_bytes: usize = body_sizes(wasm).iter().sum();
        let bc: usize = (0..defined).map(|i| m.compiled(i).map(|f| f.code.capacity()).unwrap_or(0)).sum();
        tw += wasm_bytes;
        tb += bc;
        println!(
            "{:<11} {:>9} wasm bytes {:>9} bytecode bytes {:>6.2}x",
            name,
            wasm_bytes,
            bc,
            bc as f64 / wasm_bytes as f64
        );
    }
    println!("{:<11} {:>9} wasm bytes {:>9} bytecode bytes {:>6.2}x", "total", tw, tb, tb as f64 / tw as f64);
}
