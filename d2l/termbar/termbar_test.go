package termbar_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/d2l/termbar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBar: the bar draws its text and count on the writer, and Clear erases it.
func TestBar(t *testing.T) {
	var buf bytes.Buffer
	bar := termbar.New(&buf, 10)
	bar.Describe("epoch 1/2  loss 0.500  acc 0.800")
	time.Sleep(150 * time.Millisecond) // the bar redraws at most every 100 ms
	require.NoError(t, bar.Set(5))
	assert.Contains(t, buf.String(), "epoch 1/2  loss 0.500  acc 0.800")
	assert.Contains(t, buf.String(), "(5/10)")
	require.NoError(t, bar.Clear())
	assert.Contains(t, buf.String(), "\r")
}
