package grader

import (
	"strings"
	"testing"

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
