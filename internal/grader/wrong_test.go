package grader_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/grader"
)

// TestWrongAnswersFailPublicTests runs the public tests of an exercise against each plausible
// wrong answer in testdata/wrong/<exercise>/<mistake>.go (the exercise's whole file, with the
// mistake its first comment line names): each must fail at least one public test and lose at
// least half of the exercise's public points, so that a student's `d2l check` never says PASS
// for it. The wrong file replaces the reference through `go test -overlay`; nothing is copied.
func TestWrongAnswersFailPublicTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary per wrong answer; skipped with -short")
	}
	root, err := grader.FindRoot(".")
	require.NoError(t, err)
	l := grader.NewLayout(root)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	goTool, err := exec.LookPath("go")
	require.NoError(t, err)
	wrong, err := filepath.Glob(filepath.Join("testdata", "wrong", "*", "*.go"))
	require.NoError(t, err)
	require.NotEmpty(t, wrong)
	covered := map[string]bool{}
	for _, path := range wrong {
		id := filepath.Base(filepath.Dir(path))
		mistake := strings.TrimSuffix(filepath.Base(path), ".go")
		e := cat.Find(id)
		require.NotNil(t, e, "%s: no exercise %s", path, id)
		covered[id] = true
		t.Run(id+"/"+mistake, func(t *testing.T) {
			t.Parallel()
			abs, err := filepath.Abs(path)
			require.NoError(t, err)
			overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{
				filepath.Join(l.Solutions, e.Section, e.File): abs,
			}})
			require.NoError(t, err)
			ovPath := filepath.Join(t.TempDir(), "overlay.json")
			require.NoError(t, os.WriteFile(ovPath, overlay, 0o644))
			names := make([]string, len(e.Public))
			total := 0
			for i, pt := range e.Public {
				names[i] = pt.Name
				total += pt.Points
			}
			cmd := exec.Command(goTool, "test", "-json", "-count=1", "-overlay="+ovPath,
				"-run=^("+strings.Join(names, "|")+")$", "./solutions/"+e.Section)
			cmd.Dir = root
			var out bytes.Buffer
			cmd.Stdout = &out
			cmd.Stderr = &out
			_ = cmd.Run() // failing tests exit 1: the events tell what happened
			failed, msgs := failedTests(t, out.Bytes())
			lost := 0
			for _, pt := range e.Public {
				if failed[pt.Name] {
					lost += pt.Points
				}
			}
			require.NotZero(t, lost, "%s passes every public test of %s:\n%s", path, id, out.String())
			assert.GreaterOrEqual(t, 2*lost, total, "%s loses only %d of the %d public points of %s", path, lost, total, id)
			t.Logf("loses %d of %d public points; the student reads:\n%s", lost, total, msgs)
		})
	}
	t.Run("coverage", func(t *testing.T) {
		for _, e := range cat.Exercises {
			if e.Kind == grader.KindCode && e.Section != "sec66" && !covered[e.ID] {
				t.Logf("exercise %s has no wrong answer in testdata/wrong", e.ID)
			}
		}
	})
}

// failedTests reads `go test -json` output: the top-level tests that failed, and the lines
// they printed (what a student sees).
func failedTests(t *testing.T, out []byte) (map[string]bool, string) {
	t.Helper()
	failed := map[string]bool{}
	var msgs strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ev struct {
			Action, Test, Output string
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			msgs.WriteString(sc.Text() + "\n") // a build error
			continue
		}
		top := strings.SplitN(ev.Test, "/", 2)[0]
		switch {
		case ev.Action == "fail" && top != "":
			failed[top] = true
		case ev.Action == "output" && ev.Test != "" && strings.Contains(ev.Output, ".go:"):
			msgs.WriteString(ev.Output)
		}
	}
	return failed, msgs.String()
}
