package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetMaxPool forgets to swap the pooling layers: it is the plain LeNet. It
// has the right shape, parameters and trains, but its layer types are wrong.
func LeNetMaxPool() *d2l.Sequential { return d2l.LeNet() }
