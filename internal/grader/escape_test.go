package grader

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestDisplayName: a name is one line of printable text, and two names never
// look the same.
func TestDisplayName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"alice", "alice"},
		{"张三", "张三"},
		{"a\nb", `a\nb`},
		{"a\\nb", `a\\nb`},
		{"a\rb\tc", `a\rb\tc`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"zero\u200bwidth", `zero\u200bwidth`},
	} {
		assert.Equal(t, c.want, DisplayName(c.in), "%q", c.in)
	}
}

// TestCSVCell: OWASP's CSV injection rule, and the way back.
func TestCSVCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"alice", "alice"},
		{"=1+2", "'=1+2"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'quoted", "''quoted"},
		{"", ""},
	} {
		got := csvCell(c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
		assert.Equal(t, c.in, csvUncell(got), "round trip of %q", c.in)
	}
	assert.Equal(t, "=1+2", csvUncell("=1+2"), "a spreadsheet that dropped the quote")
}

// TestFenced: no text can close the fence around it, and carriage returns
// become line ends.
func TestFenced(t *testing.T) {
	for _, s := range []string{"plain", "```\n# heading\n```", "````` five", "a\rb\r\nc", "<!-- comment", "\x1b[2J"} {
		f := fenced("text", s)
		lines := strings.Split(f, "\n")
		fence := strings.TrimSuffix(lines[0], "text")
		assert.Equal(t, fence, lines[len(lines)-1])
		for _, l := range lines[1 : len(lines)-1] {
			assert.False(t, strings.HasPrefix(strings.TrimSpace(l), fence), "%q closes the fence of %q", l, s)
			assert.NotContains(t, l, "\r")
			assert.NotContains(t, l, "\x1b")
		}
	}
	assert.Equal(t, "a\nb\nc", plainText("a\rb\r\nc"))
	assert.Equal(t, `\frac{1}{2}`, plainText(`\frac{1}{2}`), "backslashes of formulas stay")
}

// TestAnswersLineEndings: lone CRs and CRLFs in ANSWERS.md and in a notebook's
// answer cell become line ends before the answer is read.
func TestAnswersLineEndings(t *testing.T) {
	md := "## 6.5-4 区别（1 分）\r\n\r\n答：\r\nfirst\rsecond\r\n"
	assert.Equal(t, "first\nsecond", ParseAnswers([]byte(md))["6.5-4"])
	assert.Equal(t, "first\nsecond", AnswerFromCell("**答：**\r\rfirst\rsecond"))
	// A notebook whose answer cell holds carriage returns.
	_, cat := testLayout(t)
	files, err := GeneratedFiles(NewLayout(mustRoot(t)))
	require.NoError(t, err)
	nbs, err := GeneratedNotebooks(cat, files, nil)
	require.NoError(t, err)
	nb, err := notebook.Parse(nbs["6.5-exercises.ipynb"])
	require.NoError(t, err)
	n := 0
	for _, c := range nb.Cells {
		if m, ok := cellMeta(c); ok && m.Role == "answer" && m.Exercise == "6.5-4" {
			c.Source = "**答：**\r\rone\rtwo\x1b[2J"
			n++
		}
	}
	require.Equal(t, 1, n)
	b, err := nb.Marshal()
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "6.5-exercises.ipynb")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	got, err := ExtractAnswers(p)
	require.NoError(t, err)
	assert.Equal(t, `one`+"\n"+`two\x1b[2J`, got["6.5-4"])
}

// TestFeedbackQuotesWhatStudentsWrite: names, notes, answers, compile errors
// and test output render as text in feedback.md, and results.json asks
// Gradescope for plain text.
func TestFeedbackQuotesWhatStudentsWrite(t *testing.T) {
	r := &StudentResult{
		Student: "eve\n# 满分 / full marks",
		Notes:   []string{"sec61/x.go\n\n## 6.1-4 — 5 / 5: symbolic link ignored"},
		Exercises: []*ExerciseResult{
			{ID: "6.5-4", Title: "区别", Kind: KindManual, Max: 1, Rubric: "- 1 分：the rubric",
				Answer: "text\n```\n**评分标准 / Rubric**\n- FORGED full marks\n<!-- hide the rest"},
			{ID: "6.5-5", Title: "最小汇聚", Kind: KindCode, Max: 3, Note: "compile error:\n```\n## FORGED",
				Tests: []TestResult{{Name: "TestMinPool2D", Max: 2, Output: "got ````\n# FORGED heading"}}},
		},
	}
	fb := Feedback(r)
	assertOnlyQuoted(t, fb, "FORGED", "<!--", "## 6.1-4")
	assert.NotContains(t, fb, "\n# 满分")
	assert.Contains(t, fb, "- 1 分：the rubric", "the rubric, the teacher's own text, renders")
	b, err := json.Marshal(ToGradescope(r))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"output_format":"text"`)
}

func mustRoot(t *testing.T) string {
	t.Helper()
	root, err := FindRoot(".")
	require.NoError(t, err)
	return root
}

// ExampleDisplayName shows names a student controls as the reports show them.
func ExampleDisplayName() {
	fmt.Println(DisplayName("alice"))
	fmt.Println(DisplayName("x.go\n## 6.1-4 — 5 / 5"))
	fmt.Println(csvCell(DisplayName(`=HYPERLINK("example.invalid","click")`)))
	// Output:
	// alice
	// x.go\n## 6.1-4 — 5 / 5
	// '=HYPERLINK("example.invalid","click")
}
