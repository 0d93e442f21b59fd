package lab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// redisFault applies act to dc's store and waits until every app that uses
// it reports the store available (or not).
func (l *Lab) redisFault(ctx context.Context, op, dc string, act func(plan.Deployment, context.Context, string) error, available bool) error {
	dep, err := l.live()
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	s, apps, err := l.redisStore(dc)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	if err := act(dep, ctx, s.Name); err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	l.setRedisStopped(s.Name, !available)
	if err := waitFor(ctx, faultTimeout, storeAvailable(dep, s.Name, apps, available)); err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	return nil
}

// redisStore is dc's store and the apps that read or write it.
func (l *Lab) redisStore(dc string) (plan.Store, []plan.Node, error) {
	if _, err := l.datacenter(dc); err != nil {
		return plan.Store{}, nil, err
	}
	s, err := l.plan.StoreOf(dc)
	if err != nil {
		return plan.Store{}, nil, fmt.Errorf("%w (its apps keep sessions in memory: app.sessions is not redis)", err)
	}
	var apps []plan.Node
	for _, n := range l.plan.Nodes {
		if n.App != nil && (n.App.Store == s.Name || n.App.WriteStore == s.Name) {
			apps = append(apps, n)
		}
	}
	return s, apps, nil
}

// storeAvailable holds when every app answers GET /admin/sessions (or,
// with available false, answers it 503: its store cannot be asked).
func storeAvailable(dep plan.Deployment, store string, apps []plan.Node, available bool) condition {
	return func(ctx context.Context) string {
		var wrong []string
		for _, n := range apps {
			u, err := dep.AdminURL(n.Name)
			if err == nil {
				_, err = admin.SessionCount(ctx, u)
			}
			var e *admin.Error
			down := errors.As(err, &e) && e.Status == http.StatusServiceUnavailable
			if (available && err != nil) || (!available && !down) {
				wrong = append(wrong, n.Name)
			}
		}
		if len(wrong) == 0 {
			return ""
		}
		if available {
			return fmt.Sprintf("%s cannot use redis store %s yet", strings.Join(wrong, ", "), store)
		}
		return fmt.Sprintf("%s still reach redis store %s", strings.Join(wrong, ", "), store)
	}
}

// setRedisStopped records a store StopRedis stopped, for Reset.
func (l *Lab) setRedisStopped(store string, stopped bool) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.redisStopped == nil {
		l.redisStopped = map[string]bool{}
	}
	l.redisStopped[store] = stopped
}

// startStoppedStores starts every store StopRedis stopped (Reset).
func (l *Lab) startStoppedStores(ctx context.Context, dep plan.Deployment, _ *plan.Plan) error {
	l.faultMu.Lock()
	var stopped []string
	for s, down := range l.redisStopped {
		if down {
			stopped = append(stopped, s)
		}
	}
	l.faultMu.Unlock()
	for _, s := range stopped {
		if err := dep.Start(ctx, s); err != nil {
			return err
		}
		l.setRedisStopped(s, false)
	}
	return nil
}
