package org.mapfs.store.image;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.mapfs.api.FsException;
import org.mapfs.api.admin.Home;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mapfs:image-info IMAGE [PARTITION]}: what an image holds (container, partitions, file system, label,
 * UUID, features, block size, usage), for checking an image before configuring a store on it. A Gogo
 * {@link Function}, since the command's name has a hyphen that no Java method name can have.
 */
@Component(service = Function.class, property = { "osgi.command.scope=mapfs",
		"osgi.command.function=image-info" })
public class ImageInfoCommand implements Function {
	static final String USAGE = "usage: mapfs:image-info IMAGE [PARTITION]  (PARTITION 0 or none: the default one)";

	private final BundleContext context;

	@Activate
	public ImageInfoCommand(BundleContext context) {
		this.context = context;
	}

	@Override
	public Object execute(CommandSession session, List<Object> arguments) throws Exception {
		if (arguments.isEmpty() || arguments.size() > 2) {
			throw new IllegalArgumentException(USAGE);
		}
		int partition;
		try {
			partition = arguments.size() == 2 ? Integer.parseInt(String.valueOf(arguments.get(1))) : 0;
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException(USAGE);
		}
		try {
			System.out.print(ImageInfo.describe(Home.resolve(context.getProperty(Home.PROPERTY), String.valueOf(arguments.get(0))),
					partition));
		} catch (FsException e) {
			// one line for the operator, no stack trace
			throw new IllegalArgumentException(e.getMessage());
		}
		return null;
	}
}
