package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrainSmoke runs `d2l train lenet` on a few hundred images (the CI smoke run; the full
// 10-epoch run is a benchmark) and checks the book's two closing lines.
func TestTrainSmoke(t *testing.T) {
	if _, err := os.Stat(filepath.Join(d2l.FashionMNISTDir, "train-images-idx3-ubyte.gz")); err != nil && os.Getenv("CI") == "" {
		t.Skipf("Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist): %v", err)
	}
	var out, errs bytes.Buffer
	defer d2l.SetOutput(d2l.SetOutput(&out))
	code := run(context.Background(), []string{"train", "lenet", "--epochs", "1", "--batch", "64", "--limit", "192"}, &errs)
	require.Equal(t, 0, code, "stderr: %s", errs.String())
	assert.Regexp(t, `^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}\n\d+\.\d examples/sec on cpu\n$`, out.String())
}

// TestTrainUsage checks that bad command lines are usage errors (exit status 2) with a message.
func TestTrainUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train"}, "want the model name lenet"},
		{[]string{"train", "alexnet"}, `want the model name lenet, got "alexnet"`},
		{[]string{"train", "lenet", "--epochs", "0"}, "want --epochs >= 1"},
		{[]string{"train", "lenet", "--lr", "-1"}, "want --epochs >= 1, --batch >= 1, --lr > 0"},
		{[]string{"train", "lenet", "extra"}, "unexpected arguments [extra]"},
	}
	for _, c := range cases {
		var errs bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), c.args, &errs), "%v", c.args)
		assert.Contains(t, errs.String(), c.want, "%v", c.args)
	}
}
