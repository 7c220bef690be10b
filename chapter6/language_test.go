package chapter6_test

import (
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// codeWords are the plain words (no digit, underscore, dot or inner capital) that may appear
// in what a notebook prints or draws, because they are code, not English prose. Everything
// else a reader sees is Chinese (chapter6/README.md, "Checklist for a section").
var codeWords = map[string]string{
	"tensor":     "d2l.Print's PyTorch format: tensor([[...]])",
	"true":       "Go's bool, printed by fmt",
	"false":      "Go's bool, printed by fmt",
	"nil":        "Go's nil error, printed by fmt as <nil> (6.2's d2l.Try)",
	"True":       "Python's bool in PyTorch's module repr (bias=True)",
	"Sequential": "PyTorch's nn.Sequential, printed by fmt.Println(net)",
	"Sigmoid":    "nn.Sigmoid, printed in the model and its figure",
	"Flatten":    "nn.Flatten, printed in the model and its figure",
	"Linear":     "nn.Linear, printed in the model and its figure",
	"stride":     "nn.Conv2d's argument in its repr",
	"padding":    "nn.Conv2d's argument in its repr",
	"bias":       "nn.Linear's argument in its repr",
	"sigmoid":    "the activation function's name, as d2l-zh writes it in Chinese text",
	"max":        "the function max(...) in the pooling figures' equations, as the book's (6.5.1)",
	"Ys":         "6.5's variable Ys (the edges of the shifted image), named in its figure",
}

// bookLines are lines the book's own functions print, kept as the book prints them so that
// a reader can compare them with d2l-zh (train_ch6's last two lines). Like the book's printed
// tensors, they are not translated; 6.6's prose says what they mean.
var bookLines = []*regexp.Regexp{
	regexp.MustCompile(`^loss \d+\.\d{3}, train acc \d+\.\d{3}, test acc \d+\.\d{3}$`),
	regexp.MustCompile(`^\d+\.\d examples/sec on (cpu|cuda:\d+)$`),
	// d2l's one-line error message (d2l.Error), printed after a Chinese label: it names code
	// (the function, its argument) and says got/want in the library's own words, as 6.2
	// explains where it shows it.
	regexp.MustCompile(`^\p{Han}[^:：]*: (d2l|cnn|draw)\.[A-Za-z0-9_.]+: (argument [^:]+: )?got .+$`),
}

var (
	wordRun = regexp.MustCompile(`[A-Za-z0-9_.]+`)
	svgText = regexp.MustCompile(`(?s)<text[^>]*>(.*?)</text>`)
)

// englishWords returns the English words of s that are neither code nor in codeWords. A run
// of letters, digits, '_' and '.' counts as code when it has a digit, '_', an inner '.' or a
// capital after its first letter (Conv2d, kernel_size, torch.Size, LeNet, GB); single letters
// are names of variables (X, K, y).
func englishWords(s string) []string {
	var bad []string
	for _, w := range wordRun.FindAllString(s, -1) {
		w = strings.Trim(w, ".")
		letters, code := 0, false
		for i, r := range w {
			switch {
			case unicode.IsLetter(r):
				letters++
				if i > 0 && unicode.IsUpper(r) {
					code = true
				}
			default: // a digit, '_' or '.'
				code = true
			}
		}
		if letters < 2 || code {
			continue
		}
		if _, ok := codeWords[w]; !ok {
			bad = append(bad, w)
		}
	}
	return bad
}

// mimeText decodes a display's data, which nbformat stores as a string or a list of lines.
func mimeText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	require.NoError(t, json.Unmarshal(raw, &lines), "display data is a string or a list of strings")
	return strings.Join(lines, "")
}

// seenText returns what a reader of a code cell's output sees as text: every stdout line
// and the text of every figure (the <text> elements of its SVG, as draw writes them).
func seenText(t *testing.T, c *notebook.Cell) (lines, figures []string) {
	t.Helper()
	for _, l := range strings.Split(c.StreamText("stdout"), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	for _, o := range c.Outputs {
		for _, mime := range []string{"image/svg+xml", "text/html"} {
			raw, ok := o.Data[mime]
			if !ok {
				continue
			}
			for _, m := range svgText.FindAllStringSubmatch(mimeText(t, raw), -1) {
				figures = append(figures, html.UnescapeString(m[1]))
			}
			break // text/html, when present beside the SVG, wraps the same SVG
		}
	}
	return lines, figures
}

// committedNotebooks lists the notebooks a student opens: the sections and their exercises.
func committedNotebooks(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "notebooks", "*.ipynb"))
	require.NoError(t, err)
	more, err := filepath.Glob(filepath.Join("..", "notebooks", "exercises", "*.ipynb"))
	require.NoError(t, err)
	paths = append(paths, more...)
	require.NotEmpty(t, paths)
	return paths
}

// TestOutputsAndFiguresInChinese reads every committed notebook and fails on an English word
// in what it prints (stdout) or draws (the text of its figures): titles, axis labels,
// legends, panel labels, colour bars and messages are Chinese, as the prose; code names
// (codeWords, and words that look like code), the book's printed tensors and the book's own
// printed lines (bookLines) are the exceptions.
func TestOutputsAndFiguresInChinese(t *testing.T) {
	figures := 0
	for _, path := range committedNotebooks(t) {
		nb, err := notebook.ReadFile(path)
		require.NoError(t, err)
		for i, c := range nb.Cells {
			if c.Type != notebook.Code {
				continue
			}
			lines, texts := seenText(t, c)
			figures += len(texts)
			for _, l := range lines {
				if matchesAny(bookLines, l) {
					continue
				}
				if bad := englishWords(l); len(bad) > 0 {
					t.Errorf("%s, cell %d prints %q: English %q (say it in Chinese, or add a code name to codeWords)", path, i, l, bad)
				}
			}
			for _, s := range texts {
				if bad := englishWords(s); len(bad) > 0 {
					t.Errorf("%s, cell %d draws %q: English %q (say it in Chinese, or add a code name to codeWords)", path, i, s, bad)
				}
			}
		}
	}
	assert.Greater(t, figures, 100, "the notebooks' figures were read")
}

func matchesAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// TestEnglishWords pins the rule that TestOutputsAndFiguresInChinese applies.
func TestEnglishWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"tensor([[19., 25.],", nil},
		{"torch.Size([2, 2]) torch.Size([])", nil},
		{"  (7): Linear(in_features=400, out_features=120, bias=True)", nil},
		{"Conv2d 输出形状:\t torch.Size([1, 6, 28, 28])", nil},
		{"Y2 等于 Y 平移 (2, 2): true", nil},
		{"max(0, 1, 3, 4) = 4", nil},
		{"第 1 个卷积层的输出（经过 sigmoid）：6 个 28×28 的特征映射", nil},
		{"按 float32（4 字节）存储约 9.85 GB", nil},
		{"W as 25 outputs x 36 inputs", []string{"as", "outputs", "inputs"}},
		{"layer 1 (Sigmoid): [6 28 28]", []string{"layer"}},
		{"mistakes: sneaker -> sandal", []string{"mistakes", "sneaker", "sandal"}},
		{"min 0, max 1", []string{"min"}},
		{"epoch 2, loss 10.773", []string{"epoch", "loss"}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, englishWords(tc.in), tc.in)
	}
	assert.True(t, matchesAny(bookLines, "loss 0.460, train acc 0.828, test acc 0.795"))
	assert.True(t, matchesAny(bookLines, "4696.6 examples/sec on cpu"))
	assert.False(t, matchesAny(bookLines, "loss 0.460, train acc 0.828"), "only the book's whole line")
}

// terms are the words a section uses for the chapter's concepts, following d2l-zh's chapter 6
// (chapter6/README.md lists them): each rule names a variant that must not appear in prose.
var terms = []struct {
	variant *regexp.Regexp
	want    string
}{
	{regexp.MustCompile(`特征图`), "特征映射 (feature map), as d2l-zh's 6.2.6"},
	{regexp.MustCompile(`池化`), "汇聚 (pooling); 池化层 only as the alias 也叫池化层"},
	{regexp.MustCompile(`步长`), "步幅 (stride)"},
	{regexp.MustCompile(`准确率`), "精度 (accuracy), as 6.6 and its plot"},
	{regexp.MustCompile(`(?i)\bepochs?\b`), "轮 (epoch); the English word only as the gloss 轮（epoch"},
	{regexp.MustCompile(`卷积运算层|二维卷积核张量`), "卷积层, 卷积核"},
}

// termExceptions are the places where a variant is the right word.
var termExceptions = []*regexp.Regexp{
	regexp.MustCompile(`也叫池化层`),
	regexp.MustCompile(`轮（epoch`),
}

var (
	fence      = regexp.MustCompile("^\\s*(```+|~~~+)")
	inlineCode = regexp.MustCompile("`[^`]*`")
	inlineMath = regexp.MustCompile(`\$[^$]*\$`)
	linkTarget = regexp.MustCompile(`\]\([^)]*\)`)
	htmlNote   = regexp.MustCompile(`(?s)<!--.*?-->`)
	wordsRun   = regexp.MustCompile(`[A-Za-z]{2,}(?:[ '\-][A-Za-z]{2,}){3,}`)
	hanChar    = regexp.MustCompile(`\p{Han}`)
)

// proseLines returns the lines of a Markdown file outside code blocks and display math, with
// inline code (which may run over a line break), inline math, link targets and HTML comments
// removed, keyed by line number.
func proseLines(t *testing.T, path string) map[int]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	inCode, inMath := false, false
	for n, l := range lines {
		switch {
		case fence.MatchString(l):
			inCode = !inCode
			lines[n] = ""
		case inCode:
			lines[n] = ""
		case strings.HasPrefix(strings.TrimSpace(l), "$$"):
			if strings.Count(l, "$$") == 1 {
				inMath = !inMath
			}
			lines[n] = ""
		case inMath:
			lines[n] = ""
		}
	}
	// Blank a span, keeping its line breaks so that line numbers stay right.
	blank := func(m string) string { return strings.Repeat("\n", strings.Count(m, "\n")) }
	text := htmlNote.ReplaceAllStringFunc(strings.Join(lines, "\n"), blank)
	text = inlineCode.ReplaceAllStringFunc(text, blank)
	out := map[int]string{}
	for n, l := range strings.Split(text, "\n") {
		l = inlineMath.ReplaceAllString(l, "")
		l = linkTarget.ReplaceAllString(l, "]")
		if l = strings.ReplaceAll(l, "**", ""); strings.TrimSpace(l) != "" {
			out[n+1] = l
		}
	}
	return out
}

// proseFiles are the Markdown sources a student reads: the sections and the exercises
// (solutions/*/README.md, from which exercises/ is generated).
func proseFiles(t *testing.T) []string {
	t.Helper()
	sections, err := filepath.Glob("6.*.md")
	require.NoError(t, err)
	exercises, err := filepath.Glob(filepath.Join("..", "solutions", "sec*", "README.md"))
	require.NoError(t, err)
	require.NotEmpty(t, sections)
	require.NotEmpty(t, exercises)
	return append(sections, exercises...)
}

// TestProseTerms checks the prose of every section and exercise against the chapter's
// terminology (terms) and for English sentences: a prose line without a Chinese character
// that has an English word, or four English words in a row, outside code and math.
func TestProseTerms(t *testing.T) {
	for _, path := range proseFiles(t) {
		lines := proseLines(t, path)
		for _, n := range slices.Sorted(maps.Keys(lines)) {
			l := lines[n]
			where := fmt.Sprintf("%s:%d", path, n)
			checked := l
			for _, ex := range termExceptions {
				checked = ex.ReplaceAllString(checked, "")
			}
			for _, term := range terms {
				if m := term.variant.FindString(checked); m != "" {
					t.Errorf("%s: %q, want %s: %s", where, m, term.want, l)
				}
			}
			if run := wordsRun.FindString(l); run != "" {
				t.Errorf("%s: English phrase %q in the prose: %s", where, run, l)
			}
			if !hanChar.MatchString(l) {
				if bad := englishWords(l); len(bad) > 0 {
					t.Errorf("%s: a line of English prose %q: %s", where, bad, l)
				}
			}
		}
	}
}
