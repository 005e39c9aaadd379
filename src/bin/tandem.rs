//! The `tandem` command: run an exported function, or dump the bytecode.

use std::process::ExitCode;
use tandem::{Config, Engine, Error, Func, Linker, Module, Store, Tier, Translation, Val, ValType};

const HELP: &str = "\
tandem: a WebAssembly runtime

USAGE:
    tandem run [OPTIONS] FILE [ARGS...]
    tandem inspect [--tier interp|jit|tiered] FILE
    tandem --help | --version

COMMANDS:
    run       Instantiate FILE (.wasm or .wat) and call an export
    inspect   Print the register bytecode of every function in FILE, as
              translated for --tier (default: the default engine's tier;
              `interp` shows the interpreter-only code, without tier-up
              counters)

Run `tandem run --help` for the options of `run`.
";

const RUN_HELP: &str = "\
tandem run: instantiate a module and call one of its exports

USAGE:
    tandem run [OPTIONS] FILE [ARGS...]

Without --invoke, runs the module's `_start` (a WASI command): ARGS become the
guest's argv after FILE, stdin/stdout/stderr are inherited, and the guest's
exit code becomes tandem's. With --invoke, ARGS are parsed from the parameter
types of the called function: integers in decimal (or 0x hex), floats in
decimal or nan/inf/-inf, v128 as an unsigned 128-bit integer (lane 0 in the
low bits, as wasmtime takes and prints it), references only as `null`; each
result is printed on its own line. Options may come before FILE or right after it; the first other
argument after FILE, and everything after it, belongs to the guest (use `--`
to pass an argument that looks like one of tandem's options).

OPTIONS:
    --invoke NAME           Call export NAME instead of `_start`
    --dir HOST[::GUEST]     Let the guest use host directory HOST, named GUEST
                            (default: the same name); may be repeated
    --env KEY=VALUE         Set an environment variable for the guest; may be repeated
    --fuel N                Run with N units of fuel; running out is a trap
    --translation MODE      `lazy` (default: validate now, translate on first call),
                            `eager` (both now) or `lazy-validation` (both on first call)
    --max-call-depth N      Nested calls allowed before a stack-overflow trap
    --tier TIER             `tiered` (default: interpret, compile hot functions),
                            `jit` (compile everything first) or `interp`
    -h, --help              Print this help
";

/// Writes to stdout; a closed pipe (e.g. `| head`) ends the command quietly.
fn out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::Quiet),
        Err(e) => Err(Failure::Runtime(format!("cannot write output: {e}"))),
    }
}

/// Writes a line to stderr; if stderr is gone there is no one left to tell.
fn err(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => report(out(HELP)),
        Some("-V" | "--version") => report(out(&format!("tandem {}\n", env!("CARGO_PKG_VERSION")))),
        Some("run") => report(run(&args[1..])),
        Some("inspect") => report(inspect(&args[1..])),
        Some(other) => {
            err(&format!("error: unknown command `{other}`\n\n{HELP}"));
            ExitCode::from(2)
        }
    }
}

/// Why the command failed.
enum Failure {
    Usage(String),
    Runtime(String),
    /// An error from the runtime, examined before it is reported.
    Error(Error),
    /// The guest exited with this status (WASI `proc_exit`).
    #[cfg(feature = "wasi")]
    Exit(i32),
    /// Output was cut off by the reader: stop without a message.
    Quiet,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

fn report(r: Result<(), Failure>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            err(&format!("error: {m}\n\nRun `tandem --help` for usage."));
            ExitCode::from(2)
        }
        Err(Failure::Runtime(m)) => {
            err(&format!("error: {m}"));
            ExitCode::from(1)
        }
        Err(Failure::Quiet) => ExitCode::from(1),
        Err(Failure::Error(e)) => {
            err(&format!("error: {e}"));
            ExitCode::from(1)
        }
        #[cfg(feature = "wasi")]
        Err(Failure::Exit(code)) => {
            // 0..126 (`proc_exit` refuses the rest), as a native process would.
            ExitCode::from(code as u8)
        }
    }
}

fn read_module(engine: &Engine, path: &str) -> Result<Module, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::Runtime(format!("cannot read `{path}`: {e}")))?;
    Module::new(engine, &bytes).map_err(|e| Failure::Runtime(format!("`{path}`: {e}")))
}

struct RunOptions {
    file: String,
    invoke: Option<String>,
    dirs: Vec<(String, String)>,
    env: Vec<(String, String)>,
    fuel: Option<u64>,
    args: Vec<String>,
    config: Config,
}

fn parse_run(args: &[String]) -> Result<Option<RunOptions>, Failure> {
    let mut file = None;
    let mut invoke = None;
    let mut fuel = None;
    let mut dirs = Vec::new();
    let mut env = Vec::new();
    let mut positional = Vec::new();
    let mut config = Config::new();
    let mut it = args.iter();
    let mut flags_done = false;
    while let Some(a) = it.next() {
        let mut value =
            |name: &str| it.next().cloned().ok_or_else(|| Failure::Usage(format!("`{name}` needs a value")));
        match a.as_str() {
            "-h" | "--help" if !flags_done => return Ok(None),
            "--" if !flags_done => flags_done = true,
            "--invoke" if !flags_done => invoke = Some(value("--invoke")?),
            "--dir" if !flags_done => {
                let v = value("--dir")?;
                let (host, guest) = match v.split_once("::") {
                    Some((h, g)) => (h.to_string(), g.to_string()),
                    None => (v.clone(), v.clone()),
                };
                dirs.push((host, guest));
            }
            "--env" if !flags_done => {
                let v = value("--env")?;
                let (k, val) =
                    v.split_once('=').ok_or_else(|| Failure::Usage(format!("`--env {v}`: expected KEY=VALUE")))?;
                env.push((k.to_string(), val.to_string()));
            }
            "--fuel" if !flags_done => {
                let v = value("--fuel")?;
                fuel = Some(v.parse::<u64>().map_err(|_| Failure::Usage(format!("bad fuel amount `{v}`")))?);
            }
            "--translation" if !flags_done => match value("--translation")?.as_str() {
                "lazy" => {
                    config.translation(Translation::Lazy);
                }
                "eager" => {
                    config.translation(Translation::Eager);
                }
                "lazy-validation" => {
                    config.translation(Translation::LazyValidation);
                }
                other => return Err(Failure::Usage(format!("unknown translation mode `{other}`"))),
            },
            "--tier" if !flags_done => {
                let tier = value("--tier")?.parse::<Tier>().map_err(Failure::Usage)?;
                config.tier(tier);
            }
            "--max-call-depth" if !flags_done => {
                let v = value("--max-call-depth")?;
                let n = v.parse::<u64>().map_err(|_| Failure::Usage(format!("bad depth `{v}`")))?;
                config.max_call_depth(n);
            }
            s if s.starts_with("--") && !flags_done => return Err(Failure::Usage(format!("unknown option `{s}`"))),
            _ if file.is_none() => file = Some(a.clone()),
            _ => {
                // The first argument after FILE starts the guest's (or the
                // invoked function's) arguments: from here on nothing is ours.
                flags_done = true;
                positional.push(a.clone());
            }
        }
    }
    let file = file.ok_or_else(|| Failure::Usage("`run` needs a FILE".into()))?;
    if fuel.is_some() {
        config.consume_fuel(true);
    }
    Ok(Some(RunOptions { file, invoke, dirs, env, fuel, args: positional, config }))
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some(opts) = parse_run(args)? else {
        return out(RUN_HELP);
    };
    let engine = Engine::new(&opts.config);
    let module = read_module(&engine, &opts.file)?;
    #[cfg(feature = "wasi")]
    let (mut store, linker) = {
        let mut b = tandem::wasi::WasiCtxBuilder::new().inherit_stdio();
        // argv[0] is the file's name, as wasmtime passes it.
        let program = std::path::Path::new(&opts.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| opts.file.clone());
        let mut argv = vec![program];
        if opts.invoke.is_none() {
            argv.extend(opts.args.iter().cloned());
        }
        b = b.args(argv);
        for (k, v) in &opts.env {
            b = b.env(k, v);
        }
        for (host, guest) in &opts.dirs {
            b = b
                .preopened_dir(host, guest)
                .map_err(|e| Failure::Runtime(format!("cannot open directory `{host}`: {e}")))?;
        }
        let store = Store::new(&engine, b.build());
        let mut linker = Linker::new(&engine);
        tandem::wasi::add_to_linker(&mut linker)?;
        (store, linker)
    };
    #[cfg(not(feature = "wasi"))]
    let (mut store, linker) = {
        if !opts.dirs.is_empty() || !opts.env.is_empty() {
            return Err(Failure::Usage("--dir and --env need the `wasi` feature".into()));
        }
        (Store::new(&engine, ()), Linker::new(&engine))
    };
    if let Some(fuel) = opts.fuel {
        store.set_fuel(fuel)?;
    }
    let result = (|| {
        let instance = linker.instantiate(&mut store, &module)?;
        let name = match &opts.invoke {
            Some(n) => n.clone(),
            None if instance.get_func(&mut store, "_start").is_some() => "_start".to_string(),
            None => return Ok(None),
        };
        let func: Func = instance
            .get_func(&mut store, &name)
            .ok_or_else(|| Failure::Runtime(format!("`{}` has no exported function `{name}`", opts.file)))?;
        let ty = func.ty(&store);
        let call_args = if opts.invoke.is_some() { opts.args.as_slice() } else { &[] };
        if ty.params().len() != call_args.len() {
            return Err(Failure::Usage(format!(
                "`{name}` takes {} argument(s) {ty}, {} given",
                ty.params().len(),
                call_args.len()
            )));
        }
        let params = ty
            .params()
            .iter()
            .zip(call_args)
            .enumerate()
            .map(|(i, (t, a))| parse_val(*t, a).map_err(|m| Failure::Usage(format!("argument {}: {m}", i + 1))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut store, &params, &mut results)?;
        Ok(Some(results))
    })();
    match result {
        Ok(Some(results)) => {
            let text: String = results.iter().map(|r| format_val(r) + "\n").collect();
            out(&text)
        }
        Ok(None) => Ok(()),
        #[cfg(feature = "wasi")]
        Err(Failure::Error(e)) if e.downcast_ref::<tandem::wasi::I32Exit>().is_some() => {
            let code = e.downcast_ref::<tandem::wasi::I32Exit>().map(|x| x.0).unwrap_or(1);
            Err(Failure::Exit(code))
        }
        Err(Failure::Error(e)) => Err(Failure::Runtime(e.to_string())),
        Err(other) => Err(other),
    }
}

fn parse_int(s: &str, bits: u32) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let mag: u128 = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(&hex.replace('_', ""), 16).ok()?,
        None => digits.replace('_', "").parse().ok()?,
    };
    let limit_pos: u128 = 1u128 << bits; // unsigned range allowed for positive values
    let limit_neg: u128 = 1u128 << (bits - 1);
    if neg {
        if mag > limit_neg {
            return None;
        }
        Some((mag as i128).wrapping_neg() as i64)
    } else {
        if mag >= limit_pos {
            return None;
        }
        Some(mag as i64)
    }
}

fn parse_val(ty: ValType, s: &str) -> Result<Val, String> {
    let bad = || format!("`{s}` is not a valid {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(parse_int(s, 32).ok_or_else(bad)? as i32),
        ValType::I64 => Val::I64(parse_int(s, 64).ok_or_else(bad)?),
        ValType::F32 => Val::from(s.parse::<f32>().map_err(|_| bad())?),
        ValType::F64 => Val::from(s.parse::<f64>().map_err(|_| bad())?),
        ValType::Ref(r) if s == "null" && r.is_nullable() => Val::default_for(ty),
        ValType::Ref(_) => return Err(format!("only `null` can be passed as a nullable reference, not as {ty}")),
        // An unsigned 128-bit integer, lane 0 in the low bits, as wasmtime's
        // CLI takes it (0x hex too).
        ValType::V128 => Val::V128(
            match s.strip_prefix("0x") {
                Some(hex) => u128::from_str_radix(hex, 16),
                None => s.parse::<u128>(),
            }
            .map_err(|_| bad())?,
        ),
    })
}

fn format_float(x: f64) -> String {
    if x.is_nan() {
        if x.is_sign_negative() { "-nan".into() } else { "nan".into() }
    } else if x.is_infinite() {
        if x < 0.0 { "-inf".into() } else { "inf".into() }
    } else {
        format!("{x}")
    }
}

fn format_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => {
            let x = f32::from_bits(*b);
            if x.is_nan() || x.is_infinite() { format_float(x as f64) } else { format!("{x}") }
        }
        Val::F64(b) => format_float(f64::from_bits(*b)),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
        // As wasmtime's CLI prints it: the unsigned 128-bit integer.
        Val::V128(x) => x.to_string(),
    }
}

fn inspect(args: &[String]) -> Result<(), Failure> {
    let mut config = Config::new();
    let file = match args {
        [file] => file,
        [flag, tier, file] if flag == "--tier" => {
            config.tier(tier.parse::<Tier>().map_err(Failure::Usage)?);
            file
        }
        _ => return Err(Failure::Usage("`inspect` takes [--tier TIER] and exactly one FILE".into())),
    };
    let engine = Engine::new(&config);
    let module = read_module(&engine, file)?;
    let (total, defined) = module.num_funcs();
    let imported = total - defined;
    for def in 0..defined {
        let index = imported + def;
        let name = module.func_name(index).map(|n| format!(" ${n}")).unwrap_or_default();
        let mut text = format!("func[{index}]{name}:\n");
        match module.compiled(def) {
            // Writing to a String cannot fail.
            Ok(f) => drop(tandem::bytecode::disassemble(&f, &mut text)),
            Err(e) => text.push_str(&format!("  error: {e}\n")),
        }
        out(&text)?;
    }
    Ok(())
}
