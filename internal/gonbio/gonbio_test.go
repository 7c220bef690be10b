package gonbio_test

import (
	"encoding/gob"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/internal/gonbio"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain runs the program side when the test binary is started as a child by TestKernel:
// it sends one display, an update of it, and syncs, as draw.Live does.
func TestMain(m *testing.M) {
	if os.Getenv("GONBIO_TEST_CHILD") == "1" {
		id := "live_" + gonbio.UniqueID()
		for i, text := range []string{"first", "second"} {
			if err := gonbio.SendData(&protocol.DisplayData{
				Data:      map[protocol.MIMEType]any{protocol.MIMETextPlain: text},
				Metadata:  map[string]any{string(protocol.MIMEImagePNG): map[string]int{"width": i}},
				DisplayID: id,
			}); err != nil {
				os.Stderr.WriteString(err.Error())
				os.Exit(2)
			}
			gonbio.Sync()
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKernel plays GoNB's kernel: it makes the two named pipes, starts the program, decodes
// what the program sends and acknowledges its syncs. The program must exit only after both
// displays arrived, each followed by its sync request.
func TestKernel(t *testing.T) {
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "pipe"), filepath.Join(dir, "pipe_back")
	require.NoError(t, syscall.Mkfifo(toKernel, 0o600))
	require.NoError(t, syscall.Mkfifo(fromKernel, 0o600))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GONBIO_TEST_CHILD=1",
		protocol.GONB_PIPE_ENV+"="+toKernel, protocol.GONB_PIPE_BACK_ENV+"="+fromKernel)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	r, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
	require.NoError(t, err)
	defer r.Close()
	w, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer w.Close()
	dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
	var texts []string
	var ids []string
	for range 2 {
		var d protocol.DisplayData
		require.NoError(t, dec.Decode(&d))
		texts = append(texts, d.Data[protocol.MIMETextPlain].(string))
		ids = append(ids, d.DisplayID)
		var sync protocol.DisplayData
		require.NoError(t, dec.Decode(&sync))
		cv, ok := sync.Data[protocol.MIMECommValue].(protocol.CommValue) // as GoNB's kernel reads it
		require.True(t, ok, "a sync request after each display, got %+v", sync)
		assert.Equal(t, protocol.GonbuiSyncAddress, cv.Address)
		select {
		case err := <-done:
			t.Fatalf("the program exited (%v) before its sync was acknowledged", err)
		case <-time.After(50 * time.Millisecond):
		}
		require.NoError(t, enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value}))
	}
	require.NoError(t, <-done)
	assert.Equal(t, []string{"first", "second"}, texts)
	assert.Equal(t, ids[0], ids[1], "an update names the same display")
	assert.Regexp(t, `^live_[0-9a-f]{32}$`, ids[0])
}

// TestOutsideGoNB: without GoNB's pipes nothing is sent, SendData says why and Sync returns.
func TestOutsideGoNB(t *testing.T) {
	if gonbio.IsNotebook {
		t.Skip("running under GoNB")
	}
	err := gonbio.SendData(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextPlain: "x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not running under GoNB")
	gonbio.Sync()
	assert.NotEqual(t, gonbio.UniqueID(), gonbio.UniqueID())
}
