;; Small hand-written module for `scripts/demo`: 64-bit integers, floats, multiple
;; results and a trap.
(module
  ;; n! for n >= 0, iteratively.
  (func (export "fac") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.le_s (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Signed division; traps on a zero divisor.
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  ;; Two results: the hypotenuse and whether it is a whole number.
  (func (export "hypot") (param $a f64) (param $b f64) (result f64 i32)
    (local $h f64)
    (local.set $h (f64.sqrt (f64.add (f64.mul (local.get $a) (local.get $a))
                                     (f64.mul (local.get $b) (local.get $b)))))
    (local.get $h)
    (f64.eq (local.get $h) (f64.nearest (local.get $h)))))
