//! The interpreter's bytecode round trip: for every function Tandem
//! translates from a wasm-smith module, and for arbitrary bytes read as code,
//! decode -> encode gives back the same bytes, each instruction's text parses
//! back to it, and disassemble -> assemble rebuilds the whole function.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem::bytecode::{assemble, decode, disassemble, parse_op};
use tandem_fuzz::generate;

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes as a code string: every instruction that decodes
    // must round-trip; decoding stops at the first that does not.
    instructions(data);
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(wasm) = generate::module(&mut u) else { return };
    let mut config = tandem::Config::new();
    config.tier(tandem::Tier::Interp).translation(tandem::Translation::Eager);
    let engine = tandem::Engine::new(&config);
    // Translator limits may reject a valid module (the `validate` target
    // checks that only limits do).
    let Ok(module) = tandem::Module::from_binary(&engine, &wasm) else { return };
    for def in 0..module.num_funcs().1 {
        let f = module.compiled(def).expect("translated eagerly");
        assert_eq!(instructions(&f.code), f.code.len(), "translated code decodes to its end");
        let mut text = String::new();
        disassemble(&f, &mut text).expect("writing to a String");
        let back = assemble(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, *f, "listing lost something:\n{text}");
    }
});

/// Checks every instruction of `code` up to the first that does not decode;
/// returns where decoding stopped.
fn instructions(code: &[u8]) -> usize {
    let mut pc = 0;
    while let Ok((op, next)) = decode(code, pc) {
        let mut again = Vec::new();
        op.encode(&mut again);
        assert_eq!(again[..], code[pc..pc + op.size()], "{op} re-encodes differently");
        assert_eq!(parse_op(&op.to_string()), Some(op), "{op} does not parse back");
        pc = next;
    }
    pc
}
