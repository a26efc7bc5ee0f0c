// The instructor's read-only view of the file open in a learner's editor, under their terminal:
// it follows the learner's file events (another file opened, the open one saved) and reads the
// file again on each. Plain text in a <pre>: there is nothing to edit and nothing to save.
import { instructorFileEventsPath, instructorFilePath, type OpenFileView } from '../../contract/workspace-view.js';
import { send } from '../lib/api.js';

export class OpenFileViewer {
  private events: EventSource | undefined;
  /** Counts reads, so an older answer arriving late never replaces a newer one. */
  private reads = 0;

  constructor(
    private readonly box: HTMLElement,
    private readonly pathNode: HTMLElement,
    private readonly noteNode: HTMLElement,
    private readonly text: HTMLElement,
  ) {}

  /** Follows one learner's open file (and stops following the one before). */
  watch(workshopId: string, learnerId: string): void {
    this.stop();
    this.box.hidden = false;
    this.show({ path: null, file: null });
    const events = new EventSource(instructorFileEventsPath(workshopId, learnerId));
    // Each event (the file open on connect, another opened, the open one saved) says: read it again.
    events.addEventListener('file', () => void this.read(workshopId, learnerId));
    this.events = events;
  }

  stop(): void {
    this.events?.close();
    this.events = undefined;
    this.reads++;
    this.box.hidden = true;
  }

  private async read(workshopId: string, learnerId: string): Promise<void> {
    const read = ++this.reads;
    try {
      const { body } = await send<OpenFileView>(instructorFilePath(workshopId, learnerId));
      if (read === this.reads) this.show(body);
    } catch (err) {
      if (read === this.reads) this.show({ path: null, file: null, problem: (err as Error).message });
    }
  }

  private show(view: OpenFileView): void {
    this.box.dataset.path = view.path ?? '';
    this.pathNode.textContent = view.path ?? 'No file open in the editor';
    const note = view.problem ?? view.file?.note ?? (view.file && !view.file.editable ? 'Read-only for the learner too.' : '');
    this.noteNode.textContent = note;
    this.noteNode.hidden = !note;
    this.text.textContent = view.file?.content ?? '';
    this.text.hidden = view.file?.content == null;
  }
}
