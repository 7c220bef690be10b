package grader

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGradingFiles: the Gradescope package's files hold everything a grading
// run's snapshot copies, the catalog's READMEs and the hidden tests, and
// nothing of the library's own tests, the exercises, the CLI or the notebooks.
func TestGradingFiles(t *testing.T) {
	l, _ := testLayout(t)
	files, err := GradingFiles(l)
	require.NoError(t, err)
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
		assert.False(t, strings.HasPrefix(f, "exercises/") || strings.HasPrefix(f, "cmd/") || strings.HasPrefix(f, "notebooks/"), f)
		if strings.HasSuffix(f, "_test.go") {
			assert.True(t, strings.HasPrefix(f, "solutions/") || strings.HasPrefix(f, "internal/grader/hidden/"), "a library test: %s", f)
		}
	}
	for _, want := range []string{"go.mod", "go.sum", "solutions/doc.go", "solutions/sec63/README.md", "solutions/sec63/sec63_test.go",
		"internal/grader/hidden/sec64/sec64_hidden_test.go", "d2l/doc.go"} {
		assert.True(t, has[want], "missing %s", want)
	}
	tc, err := findToolchain(l.Root)
	require.NoError(t, err)
	src, err := readSources(l, tc)
	require.NoError(t, err)
	n := 0
	for rel := range src.files {
		assert.True(t, has[rel], "the snapshot reads %s, which the package lacks", rel)
		n++
	}
	assert.Greater(t, n, 20)
}

// TestAutograderResults: Gradescope's results of a submission: the score is the
// sum of the tests' scores and at most their maximum, hidden tests are shown
// after publication, manual items are worth 0 and show the answer, and the
// execution time and stdout visibility are set.
func TestAutograderResults(t *testing.T) {
	r := &StudentResult{Student: "s", Score: 2, Max: 5, Manual: 1, Notes: []string{"a note"}, Exercises: []*ExerciseResult{
		{ID: "6.3-4", Title: "镜像填充", Kind: KindCode, Score: 2, Max: 5, Tests: []TestResult{
			{Name: "TestMirrorPad1D", Score: 2, Max: 2, Passed: true},
			{Name: "TestHidden_MirrorPad", Hidden: true, Max: 3, Output: "got 1, want 2"},
		}},
		{ID: "6.3-3", Title: "音频信号上的步幅 2", Kind: KindManual, Max: 1, Rubric: "- 1 分：下采样", Answer: "采样率减半"},
	}}
	g := AutograderResults(r, 1500*time.Millisecond)
	assert.Equal(t, 2, g.ExecutionTime)
	assert.Equal(t, "hidden", g.StdoutVisibility)
	assert.Contains(t, g.Output, "2 / 5")
	assert.Contains(t, g.Output, "a note")
	require.Len(t, g.Tests, 3)
	sum, maxSum := 0.0, 0.0
	for _, tc := range g.Tests {
		require.NotNil(t, tc.Score, tc.Name)
		sum += *tc.Score
		maxSum += tc.MaxScore
	}
	assert.Equal(t, g.Score, sum)
	assert.Equal(t, 5.0, maxSum)
	assert.Equal(t, "after_published", g.Tests[1].Visibility)
	m := g.Tests[2]
	assert.True(t, strings.HasPrefix(m.Name, "6.3-3 "), m.Name)
	assert.Zero(t, m.MaxScore)
	assert.Contains(t, m.Output, "采样率减半")
	assert.NotContains(t, m.Output, "下采样", "the rubric is for the teacher (MANUAL_QUESTIONS.md)")
	assert.True(t, slices.Contains(m.Tags, "manual"))

	f := AutograderFailure("no Go", 0)
	assert.Zero(t, f.Score)
	assert.Equal(t, 1, f.ExecutionTime)
	assert.NotNil(t, f.Tests)
	assert.Contains(t, f.Output, "no Go")
}

// TestManualQuestions: every manual item of the catalog, with its points,
// rubric and reference answer.
func TestManualQuestions(t *testing.T) {
	_, cat := testLayout(t)
	md := string(ManualQuestions(cat))
	auto, manual := cat.MaxPoints()
	assert.Contains(t, md, "**"+strconv.Itoa(auto)+" points**")
	assert.Contains(t, md, "**"+strconv.Itoa(manual)+" points**")
	n := 0
	for _, e := range cat.Exercises {
		if e.Kind != KindManual {
			continue
		}
		n++
		assert.Contains(t, md, "## "+e.ID+" "+e.Title)
		assert.Contains(t, md, firstLine(e.Rubric))
		assert.Contains(t, md, firstLine(e.Answer))
	}
	assert.NotZero(t, n)
}
