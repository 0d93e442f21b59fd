package fakeapp

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// The machine key scope is the one app setting that changes at run time
// (PATCH /admin/settings), as an operator edits web.config's <machineKey>:
// tokens issued under the old key no longer decrypt. The lab resets a
// pooled lab's apps that way instead of restarting them. With a state file
// (Config.StateFile) the change survives a restart, as an edited
// web.config does.

// Settings are the app settings that can change at run time: GET and PATCH
// /admin/settings.
type Settings struct {
	MachineKey KeyScope `json:"machine_key"`
}

// keyring is the machine key in use and the scope it was derived for.
type keyring struct {
	scope KeyScope
	codec *tokenCodec
}

// keys holds the app's keyring; set serialises changes.
type keys struct {
	mu  sync.Mutex
	cur atomic.Pointer[keyring]
}

func (k *keys) codec() *tokenCodec { return k.cur.Load().codec }

// Settings reports the app's run-time settings.
func (a *App) Settings() Settings { return Settings{MachineKey: a.keys.cur.Load().scope} }

// SetKeyScope derives the machine key for scope, saves it to the state
// file (when there is one) and uses it from the next request on. An invalid
// scope, or a state file that cannot be written, changes nothing.
func (a *App) SetKeyScope(scope KeyScope) error {
	a.keys.mu.Lock()
	defer a.keys.mu.Unlock()
	kr, err := newKeyring(a.cfg, scope)
	if err != nil {
		return err
	}
	if err := saveSettings(a.cfg.StateFile, Settings{MachineKey: scope}); err != nil {
		return err
	}
	a.keys.cur.Store(kr)
	return nil
}

func newKeyring(cfg Config, scope KeyScope) (*keyring, error) {
	key, err := machineKey(cfg.KeySecret, scope, cfg.Datacenter, cfg.Instance)
	if err != nil {
		return nil, err
	}
	codec, err := newTokenCodec(key)
	if err != nil {
		return nil, fmt.Errorf("fakeapp: %w", err)
	}
	return &keyring{scope: scope, codec: codec}, nil
}
