// Fills the sandbox panel from the server's view of the inner engine, and refreshes it when
// the lesson's event stream says the engine changed. A published TCP port is a chip that opens
// the app's web preview in a new tab.
import type { Inventory } from '../../contract/session-api.js';
import { api } from '../lib/api.js';
import { SANDBOX_EVENT } from '../lib/lesson-events.js';
import { handlePreviewButtons } from '../lib/preview.js';

export const REFRESH_EVENT = 'slipway:sandbox-refresh';

const panel = document.querySelector<HTMLElement>('.sandbox-panel');
if (panel) {
  const state = panel.querySelector<HTMLElement>('.panel-state')!;
  const tbody = panel.querySelector<HTMLTableSectionElement>('.containers tbody')!;
  const element = (tag: string, text: string, className?: string) => {
    const node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const setList = (name: string, items: HTMLElement[]) => {
    const list = panel.querySelector<HTMLElement>(`[data-list="${name}"]`);
    list?.replaceChildren(...items);
    panel.querySelector<HTMLElement>(`[data-empty="${name}"]`)!.hidden = items.length > 0;
    panel.querySelector<HTMLElement>(`[data-count="${name}"]`)!.textContent = items.length ? `(${items.length})` : '';
  };
  /**
   * The container's ports (published ones only, one per address family already): TCP ones are
   * chips that open a preview; `statuses` keeps a chip's message across refreshes.
   */
  const portsCell = (ports: Inventory['containers'][number]['ports'], statuses: Map<string, HTMLElement>) => {
    const cell = document.createElement('td');
    for (const p of ports) {
      if (p.protocol !== 'tcp') {
        cell.append(element('span', `${p.host}→${p.container}/${p.protocol} `, 'port-text'));
        continue;
      }
      const chip = element('button', `${p.host}→${p.container}`, 'port-chip');
      chip.setAttribute('type', 'button');
      chip.dataset.previewPort = String(p.host);
      chip.title = `Open port ${p.host} of your sandbox in a new tab`;
      chip.setAttribute('aria-label', `Open port ${p.host} in a new tab (port ${p.container} in the container)`);
      let status = statuses.get(String(p.host));
      if (!status) {
        status = element('span', '', 'preview-status');
        status.setAttribute('role', 'alert');
        status.hidden = true;
      }
      const wrapper = element('span', '', 'port');
      wrapper.append(chip, status);
      cell.append(wrapper);
    }
    return cell;
  };
  const size = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`);

  const render = (inventory: Inventory) => {
    const statuses = new Map([...tbody.querySelectorAll<HTMLElement>('.port')].map((p) => [p.querySelector<HTMLElement>('[data-preview-port]')!.dataset.previewPort!, p.querySelector<HTMLElement>('.preview-status')!]));
    tbody.replaceChildren(
      ...inventory.containers.map((c) => {
        const row = document.createElement('tr');
        const name = element('td', c.name);
        if (c.compose) name.append(element('div', `compose: ${c.compose.project} / ${c.compose.service}`, 'meta'));
        const stateCell = document.createElement('td');
        const badge = element('span', c.state, 'state');
        badge.dataset.state = c.state;
        badge.title = c.status;
        stateCell.append(badge);
        row.append(name, element('td', c.image), stateCell, portsCell(c.ports, statuses));
        return row;
      }),
    );
    panel.querySelector<HTMLElement>('[data-empty="containers"]')!.hidden = inventory.containers.length > 0;
    panel.querySelector<HTMLElement>('[data-count="containers"]')!.textContent = inventory.containers.length ? `(${inventory.containers.length})` : '';
    setList('images', inventory.images.map((i) => element('li', `${i.tags.length ? i.tags.join(', ') : `<untagged> ${i.id}`} · ${size(i.sizeBytes)}`)));
    setList('volumes', inventory.volumes.map((v) => element('li', v.compose ? `${v.name} (compose: ${v.compose})` : v.name)));
    setList('networks', inventory.networks.filter((n) => !n.builtIn).map((n) => element('li', `${n.name} (${n.driver})`)));
    const running = inventory.containers.filter((c) => c.state === 'running').length;
    if (inventory.engine) {
      state.textContent = inventory.engine === 'starting' ? 'Docker Engine starting…' : 'Docker Engine starts with your first docker command';
      return;
    }
    state.textContent = `${running} running · updated ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
  };

  let loading: Promise<void> | undefined;
  let again = false;
  const refresh = async (): Promise<void> => {
    // One request at a time; a change during a request asks for one more afterwards.
    if (loading) {
      again = true;
      return;
    }
    loading = api<Inventory>('/api/session/sandbox/inventory', 'GET')
      .then(render, (err: Error & { code?: string }) => {
        // A sandbox that is gone (reset, removed, the workshop over) lists nothing any more.
        if (err.code === 'no_sandbox') render({ containers: [], images: [], volumes: [], networks: [] });
        state.textContent = err.code === 'no_sandbox' ? 'No sandbox' : err.message;
      })
      .finally(() => {
        loading = undefined;
        if (again) {
          again = false;
          void refresh();
        }
      });
  };
  handlePreviewButtons(tbody, '.port-chip');
  window.addEventListener(SANDBOX_EVENT, () => void refresh());
  window.addEventListener(REFRESH_EVENT, () => void refresh());
}
