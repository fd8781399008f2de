/** What every tab of the signed-in layout is: its own file, so tabs and the shell do not import each other. */
import type { AppContext } from '../app-context.ts';

/** What a drawn tab offers back: cleanup, and moving to a place inside it without a redraw. */
export interface TabHandle {
  dispose?(): void;
  navigate?(place: string | undefined): void;
}

/** A tab draws into its panel; `place` is the part of the hash after the slash. */
export type TabView = (panel: HTMLElement, ctx: AppContext, place: string | undefined) => TabHandle | void;
