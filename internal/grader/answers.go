package grader

import (
	"fmt"
	"strings"
)

// AnswersFile is the name of the file, in each section folder of exercises/, where a
// student writes the answers of the section's manual (free-text) items.
const AnswersFile = "ANSWERS.md"

// answerMarker is the line after which a student writes an answer in ANSWERS.md.
const answerMarker = "答："

// answerPlaceholder is the text of an empty answer cell in an exercise notebook.
const answerPlaceholder = "（在这里写你的答案，可以用 Markdown 和公式。）"

// AnswersTemplate returns the ANSWERS.md of a section: one heading per manual item
// ("## 6.3-3 音频信号上的步幅 2（1 分）", which the grader finds the answer by), the question
// quoted below it, and an empty answer after the line "答：". It returns nil when the
// section has no manual item.
func AnswersTemplate(cat *Catalog, section string) []byte {
	var sb strings.Builder
	n := 0
	for _, e := range cat.Exercises {
		if e.Section != section || e.Kind != KindManual {
			continue
		}
		if n == 0 {
			title := sectionTitles[section]
			fmt.Fprintf(&sb, "# %s：文字题\n\n", title)
			sb.WriteString("文字题由老师按评分标准人工评分。在每道题的「" + answerMarker + "」下面写你的答案（可以用 Markdown 和公式）。\n" +
				"不要改动以 `## ` 开头的标题行：评分程序按标题找到每道题的答案，并把它和评分标准一起交给老师。\n")
		}
		n++
		fmt.Fprintf(&sb, "\n## %s %s（%d 分）\n\n", e.ID, e.Title, e.MaxPoints())
		for _, line := range strings.Split(strings.TrimSpace(e.Question), "\n") {
			sb.WriteString(strings.TrimRight("> "+line, " ") + "\n")
		}
		sb.WriteString("\n" + answerMarker + "\n\n")
	}
	if n == 0 {
		return nil
	}
	return []byte(sb.String())
}

// ParseAnswers reads a student's ANSWERS.md: the answer written under each item's heading,
// by exercise id, trimmed, as plain lines (CRLF and lone CR become LF, control characters
// are escaped); items left empty map to "". Text before the first heading, the
// quoted question and the "答：" line are not part of an answer; without that line
// everything under the heading that is not quoted is.
func ParseAnswers(md []byte) map[string]string {
	out := map[string]string{}
	var id string
	var body []string
	flush := func() {
		if id == "" {
			return
		}
		var ans []string
		marker := -1
		for i, l := range body {
			if strings.TrimSpace(l) == answerMarker {
				marker = i
				break
			}
		}
		for i, l := range body {
			if i <= marker || (marker < 0 && strings.HasPrefix(l, ">")) {
				continue
			}
			ans = append(ans, l)
		}
		out[id] = strings.TrimSpace(strings.Join(ans, "\n"))
	}
	for _, l := range strings.Split(plainText(string(md)), "\n") {
		if strings.HasPrefix(l, "## ") {
			flush()
			id, body = "", nil
			if f := strings.Fields(strings.TrimPrefix(l, "## ")); len(f) > 0 {
				id = f[0]
			}
			continue
		}
		body = append(body, l)
	}
	flush()
	return out
}

// answerCell is the source of an empty answer cell in an exercise notebook.
func answerCell() string { return "**" + answerMarker + "**\n\n" + answerPlaceholder }

// AnswerFromCell returns the answer a student wrote in an answer cell: its text without
// the "答：" heading and the placeholder ("" when nothing was written), as plain lines
// (line endings normalised, control characters escaped).
func AnswerFromCell(src string) string {
	s := strings.TrimSpace(plainText(src))
	s = strings.TrimSpace(strings.TrimPrefix(s, "**"+answerMarker+"**"))
	s = strings.TrimSpace(strings.TrimPrefix(s, answerMarker))
	s = strings.TrimSpace(strings.Replace(s, answerPlaceholder, "", 1))
	return s
}
