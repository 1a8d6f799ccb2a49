// The interpreter with deadline checks (EngineConfig::deadline_checks): interpreter.cpp
// compiled a second time, instantiating run<true>() only, so that its two interpreters
// compile in parallel (see the top of interpreter.cpp).
#define MIDIMON_INTERP_DEADLINE_TU
#include "interpreter.cpp"  // NOLINT(bugprone-suspicious-include): on purpose, see above
