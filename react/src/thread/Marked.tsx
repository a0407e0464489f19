import { Fragment } from 'react';
import { termRanges } from '@carechat/protocol';

/** Text with each word the search found in a <mark>, as React text: nothing in it becomes markup. */
export function Marked({ text, terms }: { text: string; terms: string[] }) {
  const parts = [];
  let at = 0;
  for (const [start, end] of termRanges(text, terms)) {
    parts.push(<Fragment key={`t${at}`}>{text.slice(at, start)}</Fragment>);
    parts.push(<mark key={`m${start}`}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return <span>{parts}</span>;
}
