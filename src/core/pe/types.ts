// The decoded PE/COFF tree. Every node carries its file offset and length (Span).
import type { Span } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';

export interface DosHeader extends Span {
  /** File offset of the `PE\0\0` signature. */
  eLfanew: number;
}

export interface CoffHeader extends Span {
  machine: number;
  machineName: string;
  numberOfSections: number;
  timeDateStamp: number;
  pointerToSymbolTable: number;
  numberOfSymbols: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
}

export interface DataDirectory extends Span {
  index: number;
  name: string;
  /** An RVA, except for the certificate table (index 4) where it is a file offset. */
  virtualAddress: number;
  size: number;
}

export interface OptionalHeader extends Span {
  magic: number;
  pe32plus: boolean;
  sizeOfCode: number;
  sizeOfInitializedData: number;
  sizeOfUninitializedData: number;
  addressOfEntryPoint: number;
  baseOfCode: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  majorImageVersion: number;
  minorImageVersion: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checkSum: number;
  subsystem: number;
  dllCharacteristics: number;
  numberOfRvaAndSizes: number;
  /** File offset of the CheckSum field (skipped by Authenticode). */
  checkSumOffset: number;
  /** File offset of the certificate-table directory entry, when the header has one. */
  certificateEntryOffset?: number;
}

export interface PeSection extends Span {
  /** Position in the section table (0-based). */
  index: number;
  name: string;
  virtualSize: number;
  virtualAddress: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  pointerToRelocations: number;
  pointerToLinenumbers: number;
  numberOfRelocations: number;
  numberOfLinenumbers: number;
  characteristics: number;
  /** The bytes a loader-independent reader takes: min(VirtualSize, SizeOfRawData) from PointerToRawData, clipped to the file. */
  data: Span;
}

export interface WinCertificate extends Span {
  index: number;
  /** dwLength as recorded (header + DER). */
  declaredLength: number;
  revision: number;
  certificateType: number;
  /** The DER blob (PKCS#7 SignedData for type 2). */
  content: Span;
}

export interface PeFile {
  /** True when DOS, COFF and optional headers decoded: the rest of the tree is meaningful. */
  ok: boolean;
  fileSize: number;
  dos?: DosHeader;
  coff?: CoffHeader;
  optional?: OptionalHeader;
  dataDirectories: DataDirectory[];
  sections: PeSection[];
  /** Where the section table sits in the file. */
  sectionTable?: Span;
  certificateTable?: Span;
  certificates: WinCertificate[];
  /** A COFF symbol (+ string) table, when PointerToSymbolTable is set. */
  symbolTable?: Span;
  /** Bytes after the last section's raw data that are not the certificate table. */
  overlay?: Span;
  diagnostics: Diagnostic[];
}
