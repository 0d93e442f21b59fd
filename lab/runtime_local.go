package lab

import (
	"github.com/stickylab/stickylab/lab/internal/localrt"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

func localDriver(logf func(string, ...any)) plan.Driver { return localrt.New(logf) }
