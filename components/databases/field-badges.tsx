import { Badge } from "@/components/ui/badge";
import { FIELD_TYPE_LABELS, type FieldTypeName } from "@/lib/databases/schema";

type Field = { key: string; type: FieldTypeName; label: string };

/** A database's custom fields as `key · type` badges; long lists end in "+N more". */
export function FieldBadges({ fields, limit }: { fields: Field[]; limit?: number }) {
  if (fields.length === 0) return <span className="text-muted-foreground">No custom fields</span>;
  const shown = limit ? fields.slice(0, limit) : fields;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Fields">
      {shown.map((field) => (
        <li key={field.key}>
          <Badge variant="outline" title={field.label === field.key ? undefined : field.label} className="font-normal">
            <span className="font-mono">{field.key}</span>
            <span className="text-muted-foreground">{FIELD_TYPE_LABELS[field.type].toLowerCase()}</span>
          </Badge>
        </li>
      ))}
      {shown.length < fields.length ? (
        <li>
          <Badge variant="secondary" className="font-normal">
            +{fields.length - shown.length} more
          </Badge>
        </li>
      ) : null}
    </ul>
  );
}

/** A database's access groups, or the plain fact that everyone sees it. */
export function AccessGroupList({ groups }: { groups: { id: number; name: string }[] }) {
  if (groups.length === 0) return <span className="text-muted-foreground">Everyone</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Access groups">
      {groups.map((group) => (
        <li key={group.id}>
          <Badge variant="secondary" className="font-normal">
            {group.name}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
