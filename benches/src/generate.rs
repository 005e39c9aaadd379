//! A deterministic generator of a large module (several MB of code) for the
//! start-up benchmark: many functions mixing loops, memory access, calls,
//! `br_table`, `if`, integer and float arithmetic.

use std::fmt::Write;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn snippet(out: &mut String, rng: &mut Rng, index: usize) {
    let k = rng.below(1000) as i32 + 1;
    let off = rng.below(64) * 4;
    match rng.below(8) {
        0 => {
            let _ = write!(
                out,
                "(local.set 2 (i32.add (local.get 0) (i32.const {k})))
                 (block (loop
                   (br_if 1 (i32.ge_u (local.get 2) (i32.add (local.get 1) (i32.const 8))))
                   (i32.store offset={off} (i32.and (local.get 2) (i32.const 0xfff0)) (i32.mul (local.get 2) (i32.const {k})))
                   (local.set 3 (i64.add (local.get 3) (i64.extend_i32_u (i32.load offset={off} (i32.and (local.get 0) (i32.const 0xfff0))))))
                   (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                   (br 0)))\n"
            );
        }
        1 if index > 0 => {
            let callee = rng.below(index as u64);
            let _ = write!(
                out,
                "(if (i32.lt_u (local.get 1) (i32.const 2))
                   (then (local.set 0 (i32.add (local.get 0) (call $f{callee} (local.get 0) (i32.add (local.get 1) (i32.const 1)))))))\n"
            );
        }
        2 => {
            let _ = write!(
                out,
                "(block (block (block (block
                   (br_table 0 1 2 3 (i32.and (local.get 0) (i32.const 3))))
                   (local.set 0 (i32.xor (local.get 0) (i32.const {k}))) (br 2))
                   (local.set 0 (i32.rotl (local.get 0) (i32.const 7))) (br 1))
                   (local.set 0 (i32.sub (local.get 0) (local.get 1))))\n"
            );
        }
        3 => {
            let _ = write!(
                out,
                "(local.set 4 (f64.add (f64.mul (local.get 4) (f64.const 1.000{k}))
                   (f64.convert_i32_s (local.get 0))))
                 (local.set 0 (i32.add (local.get 0) (i32.trunc_sat_f64_s (f64.sqrt (f64.abs (local.get 4))))))\n"
            );
        }
        4 => {
            let _ = write!(
                out,
                "(local.set 3 (i64.mul (i64.add (local.get 3) (i64.const {k})) (i64.extend_i32_s (local.get 1))))
                 (local.set 0 (i32.wrap_i64 (i64.shr_u (local.get 3) (i64.const 5))))\n"
            );
        }
        5 => {
            let _ = write!(
                out,
                "(if (i32.gt_s (local.get 0) (i32.const {k}))
                   (then (local.set 0 (i32.div_u (local.get 0) (i32.const 3))))
                   (else (local.set 0 (i32.add (local.get 0) (i32.const {k})))))\n"
            );
        }
        6 => {
            let _ = write!(
                out,
                "(i64.store offset={off} (i32.and (local.get 1) (i32.const 0xff00)) (local.get 3))
                 (local.set 0 (i32.add (local.get 0) (i32.load8_u offset={off} (i32.and (local.get 0) (i32.const 0xff00)))))\n"
            );
        }
        _ => {
            let _ = write!(
                out,
                "(local.set 0 (select (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))))
                 (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 31)) (i32.const {k})))\n"
            );
        }
    }
}

/// A module with `funcs` functions of about `snippets` snippets each; export
/// `main(i32) -> i32` calls a few of them.
pub fn large_module(funcs: usize, snippets: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut text = String::from("(module (memory 1)\n");
    for i in 0..funcs {
        let _ = writeln!(text, "(func $f{i} (param i32 i32) (result i32) (local i32 i64 f64)");
        for _ in 0..snippets {
            snippet(&mut text, &mut rng, i);
        }
        text.push_str("(i32.add (local.get 0) (i32.wrap_i64 (local.get 3))))\n");
    }
    let _ = write!(
        text,
        "(func (export \"main\") (param i32) (result i32)
           (i32.add (call $f0 (local.get 0) (i32.const 0)) (call $f{} (local.get 0) (i32.const 0)))))",
        funcs - 1
    );
    wat::parse_str(&text).expect("generated module is valid")
}
