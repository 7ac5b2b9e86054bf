/** What a caller may choose about a rendering; defaults are the caller's job. */
export type RenderOptions = {
  /** Link each bullet to its sentence in the article (`#:~:text=`), where the platform can show links. */
  textFragments: boolean;
};
