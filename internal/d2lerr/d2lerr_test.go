package d2lerr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{Func: "d2l.Corr2D", Arg: "K", Got: "shape [3 3 3] (rank 3)", Want: "rank 2 [kh, kw]"},
			"d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]"},
		{Error{Func: "d2l.Eval", Got: "a closed Op"}, "d2l.Eval: got a closed Op"},
		{Error{Func: "f", Got: "two\nlines"}, "f: got two"},
	} {
		assert.Equal(t, tc.want, tc.e.Error())
	}
	assert.PanicsWithError(t, "cnn.SetConvImpl: argument impl: got \"x\", want one of", func() {
		Fail("cnn.SetConvImpl", "impl", "one of", "%q", "x")
	})
}
