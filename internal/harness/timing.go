package harness

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"
)

// executingRE matches GoNB's log line for the start of a cell's program (or `!` command):
// "I1129 01:36:00.485009   28035 jpyexec.go:182] ... Executing: ...".
var executingRE = regexp.MustCompile(`(?m)^I\d{4} (\d\d:\d\d:\d\d\.\d{6}) .*jpyexec\.go:\d+\].* Executing: `)

// CellStarts returns, from the log of an execution (Executed.Log), the time of day at which
// GoNB started each cell's program, in order: one per code cell that ran something.
func CellStarts(log string) []time.Duration {
	var starts []time.Duration
	for _, m := range executingRE.FindAllStringSubmatch(log, -1) {
		t, err := time.Parse("15:04:05.000000", m[1])
		if err != nil {
			continue
		}
		d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
			time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
		if n := len(starts); n > 0 && d < starts[n-1] {
			d += 24 * time.Hour // past midnight
		}
		starts = append(starts, d)
	}
	return starts
}

// Timing summarises cell latencies of one execution.
type Timing struct {
	// Cells is the number of cells whose start GoNB logged.
	Cells int
	// Latencies[i] is the time between the starts of cell i and cell i+1's programs: GoNB's
	// work for cell i+1 (goimports, go get, go build) plus the run of cell i.
	Latencies []time.Duration
	// Median of Latencies, leaving out the first (which compiles d2l's imports).
	Median time.Duration
	// Max of Latencies and its index.
	Max      time.Duration
	MaxIndex int
}

// String is one line: "24 cells, median 1.6s, first 3.1s, max 5.3s (#14)".
func (t Timing) String() string {
	if len(t.Latencies) == 0 {
		return fmt.Sprintf("%d cells", t.Cells)
	}
	return fmt.Sprintf("%d cells, median %.1fs, first %.1fs, max %.1fs (#%d)",
		t.Cells, t.Median.Seconds(), t.Latencies[0].Seconds(), t.Max.Seconds(), t.MaxIndex+1)
}

// CellTiming reads the log of an execution and summarises its cell latencies.
func CellTiming(logPath string) (Timing, error) {
	data, err := os.ReadFile(logPath)
	if err != nil {
		return Timing{}, fmt.Errorf("harness.CellTiming: %w", err)
	}
	starts := CellStarts(string(data))
	t := Timing{Cells: len(starts)}
	for i := 1; i < len(starts); i++ {
		d := starts[i] - starts[i-1]
		t.Latencies = append(t.Latencies, d)
		if d > t.Max {
			t.Max, t.MaxIndex = d, i-1
		}
	}
	if len(t.Latencies) > 1 {
		rest := slices.Clone(t.Latencies[1:])
		slices.Sort(rest)
		t.Median = rest[len(rest)/2]
	}
	return t, nil
}
