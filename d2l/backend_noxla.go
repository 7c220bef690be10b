//go:build !xla

package d2l

// xlaLinked reports whether this binary was built with XLA (build tag xla).
const xlaLinked = false

// XLAPlugins lists the PJRT plugins found on this machine; without -tags xla it is always nil.
func XLAPlugins() []string { return nil }
