package d2l

import (
	"os"
	"strconv"
)

// EpochsEnv is the environment variable that makes TrainCh6 train fewer epochs than asked:
// the notebook tests set it (to 2) so that executing 6.6 stays quick, while the committed
// notebook is the book's full run and no test setting shows in the notebook's code.
const EpochsEnv = "D2L_EPOCHS"

// epochsFromEnv returns the positive integer in $D2L_EPOCHS, 0 when it is unset; an unusable
// value panics (for fn) rather than being ignored silently.
func epochsFromEnv(fn string) int {
	v := os.Getenv(EpochsEnv)
	if v == "" {
		return 0
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 1 {
		fail(fn, "$"+EpochsEnv, "a positive integer", "%q", v)
	}
	return k
}
