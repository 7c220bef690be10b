package grader

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStub checks that solution regions become panics and unused imports go.
func TestStub(t *testing.T) {
	src := "package p\n\nimport (\n\t\"fmt\"\n\t\"math\"\n)\n\n// F doc.\nfunc F() float64 {\n\t// BEGIN SOLUTION\n\tfmt.Println()\n\treturn math.Pi\n\t// END SOLUTION\n}\n\n// G keeps fmt.\nfunc G() { fmt.Print() }\n"
	got, err := Stub([]byte(src), "6.9-1")
	require.NoError(t, err)
	assert.Equal(t, "package p\n\nimport (\n\t\"fmt\"\n)\n\n// F doc.\nfunc F() float64 {\n\tpanic(\"TODO: 练习 6.9-1\")\n}\n\n// G keeps fmt.\nfunc G() { fmt.Print() }\n", string(got))
	for _, bad := range []string{
		"package p\nfunc F() {\n// BEGIN SOLUTION\n}\n",
		"package p\nfunc F() {\n// END SOLUTION\n}\n",
		"package p\nfunc F() {\n// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n}\n",
	} {
		_, err := Stub([]byte(bad), "6.9-1")
		assert.Error(t, err, bad)
	}
}

// TestStripAnswers checks that answers and rubrics never reach students.
func TestStripAnswers(t *testing.T) {
	md := "## 6.9-1 Q\nquestion\n<!-- BEGIN ANSWER -->\nsecret\n<!-- END ANSWER -->\n<!-- BEGIN RUBRIC -->\nrubric\n<!-- END RUBRIC -->\nafter\n"
	assert.Equal(t, "## 6.9-1 Q\nquestion\nafter\n", string(StripAnswers([]byte(md))))
}

// TestCheckSource lists what a submitted file may not do.
func TestCheckSource(t *testing.T) {
	for _, c := range []struct {
		src    string
		reject bool
	}{
		{`import "math"`, false},
		{`import "github.com/d2l-go/d2l-go/solutions/grid"`, false},
		{`import "github.com/d2l-go/d2l-go/d2l"`, false},
		{`import "os"`, true},
		{`import "flag"`, true},
		{`import "testing"`, true},
		{`import "runtime"`, true},
		{`import "reflect"`, true},
		{`import "io/fs"`, true},
		{`import "github.com/d2l-go/d2l-go/d2l"` + "\nvar _ = d2l.NewConv2d", false},
		{`import "github.com/d2l-go/d2l-go/d2l"` + "\nvar _ = d2l.LoadFashionMNIST", true},
		{`import x "github.com/d2l-go/d2l-go/d2l"` + "\nvar _ = x.SetBackend", true},
		{`import . "github.com/d2l-go/d2l-go/d2l"`, true},
		{"//line evil.go:1\nvar x int", true},
		{`import "os/exec"`, true},
		{`import "unsafe"`, true},
		{`import "syscall"`, true},
		{`import "net/http"`, true},
		{`import "C"`, true},
		{`import ref "github.com/d2l-go/d2l-go/solutions/sec62"`, true},
		{`import "github.com/d2l-go/d2l-go/internal/grader"`, true},
		{`import "github.com/d2l-go/d2l-go/exercises/internal/x"`, true},
		{"import _ \"embed\"\n//go:embed x\nvar s string", true},
		{"//go:linkname f runtime.f\nfunc f()", true},
	} {
		why := CheckSource("x.go", []byte("package p\n"+c.src+"\n"), nil)
		assert.Equal(t, c.reject, why != "", "%s: %q", c.src, why)
	}
}

// TestHasForeignReplace accepts only the generated replace directive.
func TestHasForeignReplace(t *testing.T) {
	assert.False(t, hasForeignReplace([]byte("module m\nreplace github.com/d2l-go/d2l-go => ../\n")))
	assert.True(t, hasForeignReplace([]byte("module m\nreplace github.com/d2l-go/d2l-go => /tmp/evil\n")))
	assert.True(t, hasForeignReplace([]byte("module m\nreplace (\n\ta => b\n)\n")))
}

// TestParseResult needs the nonce on the harness line.
func TestParseResult(t *testing.T) {
	code, ok := parseResult([]byte("abc 1\n"), "abc")
	assert.True(t, ok)
	assert.Equal(t, 1, code)
	_, ok = parseResult([]byte("PASS\nxyz 0\n"), "abc")
	assert.False(t, ok)
}

// TestCulprits blames exercise files only when every error is in one.
func TestCulprits(t *testing.T) {
	a := &exState{ex: &Exercise{ID: "6.3-4", Section: "sec63", File: "mirror_pad.go"}, student: []byte("x")}
	b := &exState{ex: &Exercise{ID: "6.3-1", Section: "sec63", File: "out_shape.go"}, student: []byte("x")}
	states := map[string]*exState{"6.3-4": a, "6.3-1": b}
	assert.Equal(t, []*exState{a}, culprits("# pkg\nsec63/mirror_pad.go:5:9: bad\n", "sec63", states))
	assert.Nil(t, culprits("sec63/sec63_test.go:5:9: bad\nsec63/mirror_pad.go:1:1: bad\n", "sec63", states))
	assert.Nil(t, culprits("no file named\n", "sec63", states))
}

// TestCleanOutputDropsDurations: go test's bookkeeping lines go, and result lines lose their
// duration, so that grading the same submission twice gives the same report.
func TestCleanOutputDropsDurations(t *testing.T) {
	in := "=== RUN   TestA\n\x16\x0f    a_test.go:3: want 4, got 8\x0e\n\x16--- FAIL: TestA (0.01s)\n  --- PASS: TestA/sub (12.50s)\nFAIL\n"
	assert.Equal(t, "a_test.go:3: want 4, got 8\n  --- PASS: TestA/sub", cleanOutput(in))
	assert.Equal(t, "--- FAIL: TestA (took long)", cleanOutput("--- FAIL: TestA (took long)"), "only a duration is dropped")
	crash := "panic: boom\n\ngoroutine 34 [running]:\nsec64.F({0xc000012345, 0x3, 0x4})\n\tsec64/f.go:7 +0x1d\ncreated by sec64.G in goroutine 33"
	assert.Equal(t, "panic: boom\n\ngoroutine N [running]:\nsec64.F({0x…, 0x3, 0x4})\n\tsec64/f.go:7\ncreated by sec64.G in goroutine N", cleanOutput(crash),
		"goroutine numbers and addresses change from run to run")
}
