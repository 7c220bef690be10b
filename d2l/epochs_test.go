package d2l

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEpochs(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      int
		panics    bool
	}{
		{"unset: the book's number", "", 10, false},
		{"set", "2", 2, false},
		{"not a number", "two", 0, true},
		{"zero", "0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EpochsEnv, tc.env)
			if tc.panics {
				assert.Panics(t, func() { Epochs(10) })
				return
			}
			assert.Equal(t, tc.want, Epochs(10))
		})
	}
}
