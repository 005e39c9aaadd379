//! The `tandem` command: run an exported function, or dump the bytecode.

use std::process::ExitCode;
use tandem::{Config, Engine, Error, Func, Linker, Module, Store, Translation, Val, ValType};

const HELP: &str = "\
tandem: a WebAssembly runtime

USAGE:
    tandem run [OPTIONS] FILE [ARGS...]
    tandem inspect FILE
    tandem --help | --version

COMMANDS:
    run       Instantiate FILE (.wasm or .wat) and call an export
    inspect   Print the register bytecode of every function in FILE

Run `tandem run --help` for the options of `run`.
";

const RUN_HELP: &str = "\
tandem run: instantiate a module and call one of its exports

USAGE:
    tandem run [OPTIONS] FILE [ARGS...]

ARGS are parsed from the parameter types of the called function: integers
in decimal (or 0x hex), floats in decimal or nan/inf/-inf, references only
as `null`. Each result is printed on its own line.

OPTIONS:
    --invoke NAME           Call export NAME (default: `_start`, if exported)
    --fuel N                Run with N units of fuel; running out is a trap
    --translation MODE      `lazy` (default: validate now, translate on first call),
                            `eager` (both now) or `lazy-validation` (both on first call)
    --max-call-depth N      Nested calls allowed before a stack-overflow trap
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
    /// Output was cut off by the reader: stop without a message.
    Quiet,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Runtime(e.to_string())
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
    }
}

fn read_module(engine: &Engine, path: &str) -> Result<Module, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::Runtime(format!("cannot read `{path}`: {e}")))?;
    Module::new(engine, &bytes).map_err(|e| Failure::Runtime(format!("`{path}`: {e}")))
}

struct RunOptions {
    file: String,
    invoke: Option<String>,
    fuel: Option<u64>,
    args: Vec<String>,
    config: Config,
}

fn parse_run(args: &[String]) -> Result<Option<RunOptions>, Failure> {
    let mut file = None;
    let mut invoke = None;
    let mut fuel = None;
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
            "--max-call-depth" if !flags_done => {
                let v = value("--max-call-depth")?;
                let n = v.parse::<u64>().map_err(|_| Failure::Usage(format!("bad depth `{v}`")))?;
                config.max_call_depth(n);
            }
            s if s.starts_with("--") && !flags_done => return Err(Failure::Usage(format!("unknown option `{s}`"))),
            _ if file.is_none() => file = Some(a.clone()),
            _ => positional.push(a.clone()),
        }
    }
    let file = file.ok_or_else(|| Failure::Usage("`run` needs a FILE".into()))?;
    if fuel.is_some() {
        config.consume_fuel(true);
    }
    Ok(Some(RunOptions { file, invoke, fuel, args: positional, config }))
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some(opts) = parse_run(args)? else {
        return out(RUN_HELP);
    };
    let engine = Engine::new(&opts.config);
    let module = read_module(&engine, &opts.file)?;
    let mut store = Store::new(&engine, ());
    if let Some(fuel) = opts.fuel {
        store.set_fuel(fuel)?;
    }
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module)?;
    let name = match &opts.invoke {
        Some(n) => n.clone(),
        None if instance.get_func(&mut store, "_start").is_some() => "_start".to_string(),
        None if opts.args.is_empty() => return Ok(()),
        None => return Err(Failure::Usage("arguments given but no `--invoke NAME`".into())),
    };
    let func: Func = instance
        .get_func(&mut store, &name)
        .ok_or_else(|| Failure::Runtime(format!("`{}` has no exported function `{name}`", opts.file)))?;
    let ty = func.ty(&store);
    if ty.params().len() != opts.args.len() {
        return Err(Failure::Usage(format!(
            "`{name}` takes {} argument(s) {ty}, {} given",
            ty.params().len(),
            opts.args.len()
        )));
    }
    let params = ty
        .params()
        .iter()
        .zip(&opts.args)
        .enumerate()
        .map(|(i, (t, a))| parse_val(*t, a).map_err(|m| Failure::Usage(format!("argument {}: {m}", i + 1))))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &params, &mut results)?;
    let text: String = results.iter().map(|r| format_val(r) + "\n").collect();
    out(&text)
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
        ValType::FuncRef if s == "null" => Val::FuncRef(None),
        ValType::ExternRef if s == "null" => Val::ExternRef(None),
        ValType::FuncRef | ValType::ExternRef => return Err(format!("only `null` can be passed as {ty}")),
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
    }
}

fn inspect(args: &[String]) -> Result<(), Failure> {
    let [file] = args else {
        return Err(Failure::Usage("`inspect` takes exactly one FILE".into()));
    };
    let engine = Engine::default();
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
