export interface SpecSection {
  /** `4.2.3` */
  section: string;
  title: string;
}

export interface SpecDocument {
  /** The citation prefix: `fuki`, `igvm-format`, `evidence`. */
  id: string;
  file: string;
  title: string;
  sections: SpecSection[];
}
