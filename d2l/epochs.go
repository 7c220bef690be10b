package d2l

import (
	"os"
	"strconv"
)

// EpochsEnv is the environment variable that Epochs reads: the notebook tests set it
// (to 2) so that executing 6.6 stays quick, while the committed notebook is the full run.
const EpochsEnv = "D2L_EPOCHS"

// Epochs returns n, the number of epochs a notebook trains for, unless $D2L_EPOCHS holds
// a positive integer: then that. It lets the notebook tests run 6.6 with fewer epochs
// than the book's 10 without a second copy of the cell; an unusable value panics rather
// than being ignored silently.
func Epochs(n int) int {
	v := os.Getenv(EpochsEnv)
	if v == "" {
		return n
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 1 {
		fail("d2l.Epochs", "$"+EpochsEnv, "a positive integer", "%q", v)
	}
	return k
}
