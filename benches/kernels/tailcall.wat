;; Mutual tail recursion through `return_call` and `return_call_indirect`
;; (even/odd with an accumulator), `run(n)` taking n million steps: a
;; chain of tail calls as deep as the steps, which must run in constant
;; stack space.
(module
  (type $t (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (func $even (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (return_call $odd (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 3))))))
  (func $odd (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.sub (i64.const 0) (local.get $acc)))
      (else
        (return_call_indirect (type $t)
          (i64.sub (local.get $n) (i64.const 1)) (i64.xor (local.get $acc) (local.get $n)) (i32.const 0)))))
  (func (export "run") (param $n i32) (result i64)
    (call $even (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 1000000)) (i64.const 0))))
