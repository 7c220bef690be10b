// Package termbar draws d2l.TrainCh6's progress on a terminal with schollz/progressbar (the bar
// GoMLX's own training loop uses): one bar per epoch with the batch count, the rate, the time
// left in the epoch, the running loss and accuracy. Import it for its side effect in a program
// run from a terminal:
//
//	import _ "github.com/d2l-go/d2l-go/d2l/termbar"
//
// The `d2l` command does. Notebooks do not need it (they draw a live plot), and leaving it out
// keeps the program GoNB builds for every cell smaller: the bar links net/http.
package termbar

import (
	"io"
	"time"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/schollz/progressbar/v3"
)

func init() { d2l.SetTerminalBar(New) }

// New returns a bar for total batches that draws on w, redrawn at most every 100 ms and
// erased when cleared.
func New(w io.Writer, total int) d2l.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
