;; The trivial module of the startup benchmark: a WASI command that returns at once.
(module
  (memory (export "memory") 1)
  (func (export "_start")))
