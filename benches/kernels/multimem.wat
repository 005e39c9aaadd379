;; Data moved between two memories (multi-memory; memory 0 is unused):
;; each round reads every word of $a, mixes it and writes it to $b, then
;; copies half of $b back into $a at an offset that moves each round
;; (memory.copy between two memories). Returns a checksum of $a.
(module
  (memory $zero 1)
  (memory $a 1)
  (memory $b 1)
  (func (export "run") (param $n i32) (result i64)
    (local $r i32) (local $i i32) (local $x i32) (local $sum i64)
    (loop $seed
      (i32.store $a (local.get $i) (i32.mul (local.get $i) (i32.const 0x9e3779b1)))
      (br_if $seed (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 65536))))
    (loop $round
      (local.set $i (i32.const 0))
      (loop $words
        (local.set $x (i32.load $a (local.get $i)))
        (i32.store $b (local.get $i)
          (i32.xor (i32.rotl (local.get $x) (i32.const 5)) (i32.add (local.get $x) (local.get $r))))
        (br_if $words (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 65536))))
      (memory.copy $a $b
        (i32.and (i32.mul (local.get $r) (i32.const 64)) (i32.const 0x7fff)) (i32.const 0) (i32.const 32768))
      (br_if $round (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (i64.add (local.get $sum) (i64.load $a (local.get $i))))
      (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.const 65536))))
    (local.get $sum)))
