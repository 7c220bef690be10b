package grader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/d2l-go/d2l-go/internal/notebook"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnswersRoundTrip: the template of a section has a heading per manual item, and what
// a student writes under "答：" is read back by ParseAnswers, by item, untouched.
func TestAnswersRoundTrip(t *testing.T) {
	_, cat := testLayout(t)
	tmpl := string(AnswersTemplate(cat, "sec63"))
	var ids []string
	for _, e := range cat.Exercises {
		if e.Section == "sec63" && e.Kind == KindManual {
			ids = append(ids, e.ID)
			assert.Contains(t, tmpl, "\n## "+e.ID+" "+e.Title)
		}
	}
	require.NotEmpty(t, ids)
	empty := ParseAnswers([]byte(tmpl))
	for _, id := range ids {
		assert.Equal(t, "", empty[id], "an untouched template has no answers")
	}
	// A student answers the first and the last item; an answer may hold Markdown,
	// formulas and quotes (only a "## " heading ends it).
	filled := strings.Replace(tmpl, "答：\n", "答：\n步幅 2 相当于把采样率减半。\n\n$$f = f_s / 2$$\n", 1)
	last := strings.LastIndex(filled, "答：\n")
	filled = filled[:last] + "答：\n> 引用也算答案的一部分\n用转置卷积。\n" + filled[last+len("答：\n"):]
	got := ParseAnswers([]byte(filled))
	assert.Equal(t, "步幅 2 相当于把采样率减半。\n\n$$f = f_s / 2$$", got[ids[0]])
	assert.Equal(t, "> 引用也算答案的一部分\n用转置卷积。", got[ids[len(ids)-1]])
	for _, id := range ids[1 : len(ids)-1] {
		assert.Equal(t, "", got[id])
	}
	assert.Nil(t, AnswersTemplate(cat, "no-such-section"))
}

// TestAnswerFromCell: the placeholder of an answer cell is not an answer.
func TestAnswerFromCell(t *testing.T) {
	assert.Equal(t, "", AnswerFromCell(answerCell()))
	assert.Equal(t, "减半。", AnswerFromCell("**答：**\n\n减半。"))
	assert.Equal(t, "减半。", AnswerFromCell(strings.Replace(answerCell(), answerPlaceholder, "减半。", 1)))
	assert.Equal(t, "just text", AnswerFromCell("just text"))
}

// TestAnswersReachTheTeacher: answers written in ANSWERS.md or in a notebook's answer
// cells end up in the student's feedback.md and results.json, next to the rubric.
func TestAnswersReachTheTeacher(t *testing.T) {
	l, cat := testLayout(t)
	dir := filepath.Join(t.TempDir(), "alice")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sec63"), 0o755))
	tmpl := string(AnswersTemplate(cat, "sec63"))
	filled := strings.Replace(tmpl, "答：\n", "答：\n相当于把采样率减半。\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sec63", AnswersFile), []byte(filled), 0o644))
	// The 6.4 exercise notebook, with one answer cell filled in.
	nb, err := notebook.ReadFile(filepath.Join(l.Notebooks, "6.4-exercises.ipynb"))
	require.NoError(t, err)
	var answered string
	for _, c := range nb.Cells {
		if m, ok := cellMeta(c); ok && m.Role == "answer" {
			answered = m.Exercise
			c.Source = "**答：**\n\n反向传播的内存约为前向的两倍。"
			break
		}
	}
	require.NotEmpty(t, answered)
	require.NoError(t, notebook.WriteFile(filepath.Join(dir, "6.4-exercises.ipynb"), nb))

	sub, err := LoadSubmission(dir, cat)
	require.NoError(t, err)
	first := ""
	for _, e := range cat.Exercises {
		if e.Section == "sec63" && e.Kind == KindManual {
			first = e.ID
			break
		}
	}
	assert.Equal(t, map[string]string{first: "相当于把采样率减半。", answered: "反向传播的内存约为前向的两倍。"}, sub.Answers)

	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Only: []string{first, answered, "6.3-5"}, NoSandbox: true})
	require.NoError(t, err)
	fb := Feedback(res)
	assert.Contains(t, fb, "> 相当于把采样率减半。")
	assert.Contains(t, fb, "> 反向传播的内存约为前向的两倍。")
	assert.Contains(t, fb, "| 6.3-5 步幅大于 1 的计算优势 | – / 1 | 未作答，待评 / no answer, not scored yet |", "6.3-5 left empty")
	gs := ToGradescope(res)
	found := false
	for _, tst := range gs.Tests {
		if strings.HasPrefix(tst.Name, first+" ") {
			found = true
			assert.Contains(t, tst.Output, "相当于把采样率减半。")
			assert.Contains(t, tst.Output, "Rubric")
		}
	}
	assert.True(t, found)
}

// TestLongAnswerIsCut: an answer longer than 32 KiB is cut, on a character boundary, with a note.
func TestLongAnswerIsCut(t *testing.T) {
	_, cat := testLayout(t)
	dir := filepath.Join(t.TempDir(), "bob")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sec63"), 0o755))
	long := strings.Repeat("长", 20000) // 60,000 bytes
	md := strings.Replace(string(AnswersTemplate(cat, "sec63")), "答：\n", "答：\n"+long+"\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sec63", AnswersFile), []byte(md), 0o644))
	sub, err := LoadSubmission(dir, cat)
	require.NoError(t, err)
	for _, a := range sub.Answers {
		assert.LessOrEqual(t, len(a), maxAnswerBytes+len("\n… (cut)"))
		assert.True(t, utf8.ValidString(a))
	}
	assert.Contains(t, strings.Join(sub.Notes, "\n"), "cut at 32768 bytes")
}
