package d2lerr

import (
	"runtime"
	"strings"
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

func TestReportLines(t *testing.T) {
	var b strings.Builder
	writeReport(&b, "d2l.Corr2D: got x, want y", []string{
		cellFrame(runtime.Frame{Function: "main.conv", File: "/nonexistent/main.go", Line: 7}),
		cellFrame(runtime.Frame{Function: "main.main.func1", File: "/nonexistent/main.go", Line: 12}),
	})
	assert.Equal(t, "d2l.Corr2D: got x, want y\n    在函数 conv 里: main.go:7\n    在这一格: main.go:12\n", b.String())
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n")[1:] {
		assert.True(t, IsReportLine(l), l)
	}
	assert.False(t, IsReportLine("d2l.Corr2D: got x, want y"))
	assert.False(t, IsReportLine("在这一格: x"))
	assert.Empty(t, cellFrame(runtime.Frame{Function: "github.com/d2l-go/d2l-go/d2l.Corr2D", File: "/x/d2l/corr.go", Line: 3}))
	assert.Empty(t, cellFrame(runtime.Frame{Function: "main.main", File: "/x/other.go", Line: 3}), "only GoNB's main.go")
}
