package harness_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

func stdout(s string) *notebook.Output {
	return &notebook.Output{Type: notebook.Stream, Name: "stdout", Text: s}
}

func stderr(s string) *notebook.Output {
	return &notebook.Output{Type: notebook.Stream, Name: "stderr", Text: s}
}

func svg() *notebook.Output {
	return &notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"text/html": json.RawMessage(`"<div><svg></svg></div>"`)}}
}

// fakeGen generates the fake notebooks with a setup cell, whose checks are tested too.
var fakeGen = literate.Options{Setup: "%goflags -ldflags=-w"}

// fakeExecuted returns the notebook of a one-cell source (the cell followed by fences)
// as if executed, with the given outputs for the cell and GoNB's echo of the %goflags for
// the setup cell.
func fakeExecuted(t *testing.T, fences string, outs ...*notebook.Output) (*literate.Doc, *notebook.Notebook) {
	t.Helper()
	doc, err := literate.Parse("6.0-fake", []byte("# Fake\n\n```go\n%%\nfmt.Println(d2l.Corr2D(X, K))\n```\n"+fences))
	require.NoError(t, err)
	nb := doc.Notebook(fakeGen)
	require.Len(t, nb.Cells, 3)
	nb.Cells[0].Outputs = []*notebook.Output{stdout(`%goflags=["-ldflags=-w"]` + "\n")}
	nb.Cells[2].Outputs = outs
	return doc, nb
}

// d2lReport is what a notebook cell writes when a d2l call fails and nothing recovers it.
const d2lReport = "d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]\n    在这一格: fmt.Println(d2l.Corr2D(X, K))\n"

// TestCheck runs the checker on fake executed notebooks: every failure kind is flagged
// on the right cell, and correct outputs pass.
func TestCheck(t *testing.T) {
	const tensor = "tensor([[19., 25.],\n        [37., 43.]])\n"
	for _, tc := range []struct {
		name   string
		fences string
		outs   []*notebook.Output
		want   string // substring of the problem; "" means no problem
	}{
		{"exact ok", "```output\n" + tensor + "```\n", []*notebook.Output{stdout(tensor)}, ""},
		{"split stream ok", "```output\n" + tensor + "```\n", []*notebook.Output{stdout(tensor[:10]), stdout(tensor[10:])}, ""},
		{"mismatch", "```output\n" + tensor + "```\n", []*notebook.Output{stdout(strings.Replace(tensor, "43", "44", 1))},
			"stdout: first mismatch at line 2: got \"        [37., 44.]])\", want \"        [37., 43.]])\""},
		{"missing line", "```output\n" + tensor + "```\n", []*notebook.Output{stdout("tensor([[19., 25.],\n")}, "got (end of output)"},
		{"unexpected output", "", []*notebook.Output{stdout("hi\n")}, "first mismatch at line 1: got \"hi\", want (end of output)"},
		{"panic", "```output\n" + tensor + "```\n", []*notebook.Output{stdout(tensor), stderr("panic: d2l.Corr2D: argument K: bad\n\ngoroutine 1 [running]:\nexit status 2\n")}, `stderr shows "panic:"`},
		{"panic even when skipped", "```output skip\nwhatever\n```\n", []*notebook.Output{stderr("panic: boom\n")}, `"panic:"`},
		{"exit status", "", []*notebook.Output{stderr("exit status 1\n")}, `"exit status"`},
		{"test failure", "", []*notebook.Output{stdout("--- FAIL: TestX (0.00s)\n")}, `stdout shows "--- FAIL"`},
		{"compile error", "", []*notebook.Output{{Type: notebook.Error, EName: "ERROR", EValue: "./main.go:4:15: undefined: X\n"}},
			"error output: ERROR: ./main.go:4:15: undefined: X"},
		{"display ok", "```output\nfigure\n[display image/svg+xml]\n```\n", []*notebook.Output{svg(), stdout("figure\n")}, ""},
		{"display missing", "```output\n[display image/svg+xml]\n```\n", nil, `displays: got [], want ["[display image/svg+xml]"]`},
		{"display unexpected", "", []*notebook.Output{svg()}, `displays: got ["[display image/svg+xml]"], want []`},
		{"stderr unexpected", "", []*notebook.Output{stderr("careful\n")}, "stderr: first mismatch at line 1: got \"careful\""},
		{"stderr expected", "```stderr\ncareful\n```\n", []*notebook.Output{stderr("careful\n")}, ""},
		{"d2l error", "", []*notebook.Output{stderr(d2lReport)}, "stderr shows a d2l error: d2l.Corr2D: argument K"},
		{"d2l error expected", "```stderr\n" + d2lReport + "```\n", []*notebook.Output{stderr(d2lReport)}, ""},
		{"backend notice ignored", "", []*notebook.Output{stderr("d2l: backend pure Go (gomlx/compute/gobackend) -- for XLA ...\n")}, ""},
		{"match ok", "```output match\nepoch 1, loss ...\n...\ndone in ...s\n```\n", []*notebook.Output{stdout("epoch 1, loss 0.123\nepoch 2, loss 0.1\ndone in 3.2s\n")}, ""},
		{"match mismatch", "```output match\nepoch 1, loss ...\n```\n", []*notebook.Output{stdout("epoch 2, loss 0.1\n")}, "first mismatch at line 1"},
		{"skip ok", "```output skip\n123 examples/sec\n```\n", []*notebook.Output{stdout("456 examples/sec\n")}, ""},
		{"trailing newlines ignored", "```output\nx\n```\n", []*notebook.Output{stdout("x")}, ""},
		{"spaces count", "```output\nx\n```\n", []*notebook.Output{stdout("x \n")}, "first mismatch at line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, nb := fakeExecuted(t, tc.fences, tc.outs...)
			problems := harness.Check(doc, nb, harness.CheckOptions{Gen: fakeGen})
			if tc.want == "" {
				assert.Empty(t, problems)
				return
			}
			require.NotEmpty(t, problems)
			assert.Equal(t, 3, problems[0].Cell)
			assert.Equal(t, "6.0-fake.md:3", problems[0].Where)
			assert.Contains(t, problems[0].Msg, tc.want)
		})
	}
}

// TestCheckSetupAndSync: a failing setup cell and a notebook out of sync with its source
// are both flagged.
func TestCheckSetupAndSync(t *testing.T) {
	doc, nb := fakeExecuted(t, "")
	nb.Cells[0].Outputs = []*notebook.Output{stderr("d2l-go setup FAILED: go.mod\nexit status 1\n")}
	p := harness.Check(doc, nb, harness.CheckOptions{Gen: fakeGen})
	require.Len(t, p, 1)
	assert.Equal(t, 1, p[0].Cell)
	assert.Contains(t, p[0].String(), "cell 1: stderr shows \"exit status\"")

	for _, out := range [][]*notebook.Output{nil, {stdout("%goflags=[]\n")}, {stdout(`%goflags=["-ldflags=-w"]` + "\nhello\n")}} {
		_, nb = fakeExecuted(t, "")
		nb.Cells[0].Outputs = out
		p = harness.Check(doc, nb, harness.CheckOptions{Gen: fakeGen})
		require.Len(t, p, 1, "setup cell printing %q", out)
		assert.Contains(t, p[0].String(), "cell 1: stdout: ")
	}

	_, nb = fakeExecuted(t, "")
	nb.Cells[2].Source += "\n// edited in Jupyter"
	p = harness.Check(doc, nb, harness.CheckOptions{Gen: fakeGen})
	require.Len(t, p, 1)
	assert.Contains(t, p[0].String(), "cell 3: out of sync with 6.0-fake.md (run `go run ./cmd/d2l gen`): code cell, line 3: got \"// edited in Jupyter\", want (end of cell)")

	_, nb = fakeExecuted(t, "")
	nb.Cells = nb.Cells[:2]
	p = harness.Check(doc, nb, harness.CheckOptions{Gen: fakeGen, OnlyStructure: true})
	require.Len(t, p, 1)
	assert.Contains(t, p[0].String(), "got 2 cells, want 3")
}

// TestActualAndArrange: Actual renders what a cell printed as an expected output, and
// Arrange orders outputs as the expected output shows them.
func TestActualAndArrange(t *testing.T) {
	_, nb := fakeExecuted(t, "")
	c := nb.Cells[2]
	c.Outputs = []*notebook.Output{svg(), stdout("a\n"), stderr("d2l: backend x\nwarn\n"), stdout("b\n")}
	out, errs, ok := harness.Actual(c, nil)
	require.True(t, ok)
	assert.Equal(t, "[display image/svg+xml]\na\nb\n", out)
	assert.Equal(t, "warn\n", errs)

	c.Outputs = append(c.Outputs, stderr("panic: x\n"))
	_, _, ok = harness.Actual(c, nil)
	assert.False(t, ok)
	c.Outputs = []*notebook.Output{stderr(d2lReport)}
	_, _, ok = harness.Actual(c, nil)
	assert.False(t, ok, "-accept never takes a d2l error for the expected output")

	exp := literate.Expect{Stdout: "a\n[display image/svg+xml]\nb\n"}
	got := harness.Arrange([]*notebook.Output{svg(), stdout("a\n"), stderr("w\n"), stdout("b\n")}, exp)
	var kinds []string
	for _, o := range got {
		kinds = append(kinds, o.Type+":"+o.Name+":"+o.Text)
	}
	assert.Equal(t, []string{"stream:stdout:a\n", "display_data::", "stream:stdout:b\n", "stream:stderr:w\n"}, kinds)

	// A match fence: displays go after as many lines as the fence has before them.
	for _, tc := range []struct {
		name, want string
		kinds      []string
	}{
		{"match", "[display image/svg+xml]\nloss ...\n... examples/sec\n[display image/svg+xml]\n... right\n",
			[]string{"display_data::", "stream:stdout:loss 1\n2 examples/sec\n", "display_data::", "stream:stdout:3 right\n"}},
		{"match fails", "[display image/svg+xml]\nacc ...\n[display image/svg+xml]\n",
			[]string{"stream:stdout:loss 1\n2 examples/sec\n3 right\n", "display_data::", "display_data::"}},
		{"a ... line", "[display image/svg+xml]\n...\n[display image/svg+xml]\n... right\n",
			[]string{"stream:stdout:loss 1\n2 examples/sec\n3 right\n", "display_data::", "display_data::"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := literate.Expect{Mode: literate.Match, Stdout: tc.want}
			got := harness.Arrange([]*notebook.Output{stdout("loss 1\n2 examples/sec\n"), svg(), stdout("3 right\n"), svg()}, exp)
			var kinds []string
			for _, o := range got {
				kinds = append(kinds, o.Type+":"+o.Name+":"+o.Text)
			}
			assert.Equal(t, tc.kinds, kinds)
		})
	}
}
