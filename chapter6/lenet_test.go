package chapter6_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestLeNetFullRun checks that the committed 6.6 notebook shows the book's full run, as
// issue 11 asks: the training cell trained 10 epochs (not the fewer that TestExecute runs
// with $D2L_EPOCHS), its final test accuracy lies in the book's band 0.72-0.82, and the
// same cell printed its examples/sec. The numbers the prose of 6.6 refers to are these.
func TestLeNetFullRun(t *testing.T) {
	nb, err := notebook.ReadFile(filepath.Join("..", "notebooks", "6.6-lenet.ipynb"))
	require.NoError(t, err)
	final := regexp.MustCompile(`(?m)^loss ([0-9.]+), train acc ([0-9.]+), test acc ([0-9.]+)$`)
	speed := regexp.MustCompile(`(?m)^[0-9.]+ examples/sec on \S+$`)
	epochs := regexp.MustCompile(`(?m)^训练了 ([0-9]+) 轮, 共 [0-9]+ 秒$`)
	found := 0
	for _, c := range nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		out := c.StreamText("stdout")
		m := final.FindStringSubmatch(out)
		if m == nil {
			continue
		}
		found++
		acc, err := strconv.ParseFloat(m[3], 64)
		require.NoError(t, err)
		assert.True(t, acc >= 0.72 && acc <= 0.82, "final test acc %v outside the book's band [0.72, 0.82]", acc)
		assert.Regexp(t, speed, out, "the training cell prints its examples/sec")
		e := epochs.FindStringSubmatch(out)
		require.NotNil(t, e, "the training cell prints how many epochs it trained")
		assert.Equal(t, "10", e[1], "the committed notebook is the book's 10-epoch run (was $D2L_EPOCHS set during `notebooks -write`?)")
		displays := 0
		for _, o := range c.Outputs {
			if o.Placeholder() != "" {
				displays++
			}
		}
		assert.Equal(t, 1, displays, "the training cell shows its curve")
	}
	assert.Equal(t, 1, found, "one cell of 6.6 prints the final loss and accuracies")
}

// lenetCells returns the committed 6.6 notebook's cells: for each code cell whose stdout
// matches re, the cell and the Markdown cell right after it (the prose about its output).
func lenetCells(t *testing.T, nb *notebook.Notebook, re *regexp.Regexp) (code, prose *notebook.Cell) {
	t.Helper()
	for i, c := range nb.Cells {
		if c.Type == notebook.Code && re.MatchString(c.StreamText("stdout")) {
			require.Less(t, i+1, len(nb.Cells), "a Markdown cell follows the cell")
			require.Equal(t, notebook.Markdown, nb.Cells[i+1].Type, "a Markdown cell follows the cell")
			return c, nb.Cells[i+1]
		}
	}
	t.Fatalf("no cell of 6.6 prints %s", re)
	return nil, nil
}

// quotedPairs returns the "真实 → 预测" pairs that prose quotes as inline code, in order.
func quotedPairs(prose string) []string {
	var pairs []string
	for _, m := range regexp.MustCompile("`([^`→]+ → [^`→]+)`").FindAllStringSubmatch(prose, -1) {
		pairs = append(pairs, m[1])
	}
	return pairs
}

// TestLeNetClaims checks what the prose of 6.6 says about its run against the committed
// run's output, so that the prose stays true when the run changes (issue 24): the
// misclassified images it names are those PredictCh6 printed, the most common mistakes
// on the test set it names are the top ones printed, in order, and all between tops, and the
// first epoch's training accuracy is the "about 0.1" it says.
func TestLeNetClaims(t *testing.T) {
	nb, err := notebook.ReadFile(filepath.Join("..", "notebooks", "6.6-lenet.ipynb"))
	require.NoError(t, err)

	t.Run("the misclassified images of the first 16", func(t *testing.T) {
		code, prose := lenetCells(t, nb, regexp.MustCompile(`前 16 张测试图片认对了`))
		var printed []string
		if m := regexp.MustCompile(`(?m)^认错的图片（真实 → 预测）：(.*)$`).FindStringSubmatch(code.StreamText("stdout")); m != nil {
			printed = strings.Split(m[1], "，")
		}
		quoted := quotedPairs(prose.Source)
		require.NotEmpty(t, printed, "the committed run misclassified some of the 16; the prose names them")
		assert.ElementsMatch(t, printed, quoted, "the prose names exactly the mistakes the run printed")
	})

	t.Run("the most common mistakes on the test set", func(t *testing.T) {
		code, prose := lenetCells(t, nb, regexp.MustCompile(`最常见的 5 种错误`))
		var printed []string
		for _, m := range regexp.MustCompile(`(?m)^  (\S+ → \S+): \d+ 张$`).FindAllStringSubmatch(code.StreamText("stdout"), -1) {
			printed = append(printed, m[1])
		}
		require.Len(t, printed, 5)
		quoted := quotedPairs(prose.Source)
		require.NotEmpty(t, quoted)
		assert.Equal(t, printed[:len(quoted)], quoted, "the prose names the most common mistakes, in the printed order")
		numerals := []string{"一", "两", "三", "四", "五"}
		assert.Contains(t, prose.Source, "最常见的"+numerals[len(quoted)-1]+"种错误", "the prose says how many it names")
		if strings.Contains(prose.Source, "上衣之间") {
			tops := []string{"T恤", "套衫", "外套", "衬衫"}
			for _, pair := range quoted {
				for _, class := range strings.Split(pair, " → ") {
					assert.Contains(t, tops, class, "the prose says these mistakes are between tops: %s", pair)
				}
			}
		}
	})

	t.Run("the first epoch is a guess", func(t *testing.T) {
		code, prose := lenetCells(t, nb, regexp.MustCompile(`第 1 轮: 训练损失`))
		m := regexp.MustCompile(`(?m)^第 1 轮: 训练损失 ([0-9.]+), 训练精度 ([0-9.]+), 测试精度 ([0-9.]+)$`).FindStringSubmatch(code.StreamText("stdout"))
		require.NotNil(t, m)
		require.Contains(t, prose.Source, "第 1 轮的平均训练精度只有 0.1 左右", "the claim this subtest checks")
		acc, err := strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		assert.InDelta(t, 0.1, acc, 0.05, "the first epoch's training accuracy is about 0.1 (one class in ten)")
	})
}
